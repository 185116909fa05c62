package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"parley"
)

// TestBrowserEmailSignIn: in Chromium, the button of a mailed link signs
// the reader in and the form's redirect reaches the article on the
// publisher's origin with the code (form-action lets it through), where a
// fetch exchanges the code; a link without a return URL (the admin
// bootstrap) keeps the session in Parley's own localStorage. Neither page
// breaks its Content-Security-Policy.
func TestBrowserEmailSignIn(t *testing.T) {
	b := newTab(t, "email-signin")
	app := startMailApp(t, true)
	pub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Article</title><h1>Article</h1></html>`))
	}))
	t.Cleanup(pub.Close)
	site, err := app.store.Site(t.Context(), "news")
	if err != nil {
		t.Fatal(err)
	}
	site.Origins = append(site.Origins, pub.URL)
	if err := app.store.UpdateSite(t.Context(), site); err != nil {
		t.Fatal(err)
	}
	body := `{"email":"reader@example.org","lang":"en","return":"` + pub.URL + `/article?id=1"}`
	if res, out := app.do(t, "POST", "/api/v1/sites/news/auth/email", strings.NewReader(body), "Content-Type", "application/json", "Origin", pub.URL); res.StatusCode != http.StatusAccepted {
		t.Fatalf("request link: %d %s", res.StatusCode, out)
	}
	link := app.nextMail(t).Link
	b.recordViolations()
	b.do("open the link", chromedp.Navigate(link))
	b.click("the sign-in button", "document.querySelector('button[type=submit]')")
	b.waitAcrossNavigation("the article with a code", `location.origin === `+jsString(pub.URL)+` && location.hash.startsWith("#parley-code=psc_")`)
	got := evalJS[map[string]any](b, `fetch(`+jsString(app.URL+"/api/v1/sites/news/auth/code")+`, {method: "POST",
		headers: {"Content-Type": "application/json"}, body: JSON.stringify({code: location.hash.slice("#parley-code=".length)})})
		.then((r) => r.json())`)
	if s, _ := got["session"].(string); !strings.HasPrefix(s, "pss_") {
		t.Errorf("the article's exchange of the code gave %v", got)
	}

	out, err := app.cli(t, "admin", "bootstrap", "--site", "news", "--email", "boss@example.org")
	m := printedLink.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("admin bootstrap: %v\n%s", err, out)
	}
	b.do("open the bootstrap link", chromedp.Navigate(m[1]))
	b.click("the sign-in button", "document.querySelector('button[type=submit]')")
	b.waitAcrossNavigation("the session kept", `document.getElementById("parley-signin")?.dataset.stored === "true"`)
	kept := evalJS[string](b, `localStorage.getItem("parley:session:news")`)
	if se, u, err := app.store.Session(t.Context(), parley.HashSessionToken(kept)); err != nil || u.UserRole() != parley.RoleAdmin || se.Method != "email" {
		t.Errorf("the kept session %q: %v, %+v; want an admin's e-mail session", kept, err, u)
	}
	if v := evalJS[[]string](b, `window.__violations`); len(v) > 0 {
		t.Errorf("CSP violations on the sign-in pages: %q", v)
	}
}
