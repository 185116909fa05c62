package main

// Browser tests of the no-JavaScript form: cross-site posting from another
// origin, the honest post from the demo page, and where the redirect after
// posting really takes a browser.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// demoPostPath is where the demo story's form posts.
const demoPostPath = "/embed/demo/stories/demo-article/comments"

// formToken fetches the demo story's fragment as anyone could, and returns
// the token of its form.
func (a *testApp) formToken(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(a.URL + "/embed/demo/stories/demo-article")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`name="token" value="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the fragment has no form token:\n%s", page)
	}
	return string(m[1])
}

// attackTmpl is a page on another origin that makes its visitor's browser
// post a comment to Parley at once. Even the form token is valid, fetched
// by the attacker's server from the public fragment: only the Origin check
// stands between this page and a posted comment.
var attackTmpl = template.Must(template.New("attack").Parse(`<!doctype html>
<html lang="de"><head><meta charset="utf-8">{{if .NoReferrer}}<meta name="referrer" content="no-referrer">{{end}}<title>Gewinnspiel</title></head>
<body>{{if .Sandbox}}<iframe sandbox="allow-forms allow-scripts" srcdoc="{{.FormText}}"></iframe>{{else}}{{.Form}}{{end}}</body></html>`))

// attackForm is the auto-submitting form the attack pages carry.
var attackForm = template.Must(template.New("form").Parse(`<form method="post" action="{{.Action}}">
<input name="body" value="{{.Body}}"><input name="name" value="Mallory"><input name="lang" value="de">
<input name="token" value="{{.Token}}"><input name="return" value="https://evil.example/">
</form><script>document.forms[0].submit()</script>`))

// startAttacker serves the attack pages on a second server.
func startAttacker(t *testing.T, app *testApp, token string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var form bytes.Buffer
		attackForm.Execute(&form, map[string]string{"Action": app.URL + demoPostPath, "Body": "attack " + r.URL.Path, "Token": token})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		attackTmpl.Execute(w, map[string]any{
			"NoReferrer": r.URL.Path != "/plain", "Sandbox": r.URL.Path == "/sandbox",
			"Form": template.HTML(form.String()), "FormText": form.String(),
		})
	}))
	t.Cleanup(srv.Close)
	// localhost, not 127.0.0.1: another site, not only another origin.
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// waitPosts waits until agent has sent n form posts to the app.
func (a *testApp) waitPosts(t *testing.T, agent string, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		posts := 0
		for _, r := range a.log.since(0, agent) {
			if r.Method == "POST" && r.Path == demoPostPath {
				posts++
			}
		}
		if posts >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser %q sent %d form posts, want %d; its requests: %v", agent, posts, n, a.log.since(0, agent))
		}
		<-tick.C
	}
}

func TestBrowserFormRefusesCrossSitePosts(t *testing.T) {
	app := startTestApp(t)
	attacker := startAttacker(t, app, app.formToken(t))
	b := newTab(t, "victim")
	for i, attack := range []string{"/meta", "/sandbox", "/plain"} {
		b.do("open the attack page "+attack, chromedp.Navigate(attacker+attack))
		app.waitPosts(t, "victim", i+1)
		if attack != "/sandbox" {
			b.waitAcrossNavigation("the refusal page of "+attack, `document.body && document.body.innerText.includes("nichts veröffentlichen darf")`)
			if got := evalJS[string](b, "location.href"); strings.Contains(got, "evil.example") {
				t.Errorf("%s: the victim was sent to %s", attack, got)
			}
		}
	}
	if th := app.apiGetThread(t, "demo-article"); th.Story.CommentCount != 0 || len(th.Comments) != 0 {
		t.Fatalf("cross-site posts were stored: %+v", th)
	}

	// The honest path: the demo page's own form, without the widget.
	h := newTab(t, "honest")
	h.do("block embed.js", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/embed.js", Block: true}}})
		return err
	}))
	h.do("open the demo page", chromedp.Navigate(app.URL+"/"))
	h.waitFor("the server-rendered form", `!!document.querySelector('#parley-composer textarea')`)
	h.fill("the name field", `document.querySelector('#parley-name')`, "Ehrliche Erika")
	h.fill("the comment field", `document.querySelector('#parley-body')`, "Ohne JavaScript, aber ehrlich.")
	h.click("the post button", `document.querySelector('#parley-composer button[type=submit]')`)
	h.waitAcrossNavigation("the new comment after the redirect", `location.hash.startsWith('#comment-') &&
		(document.getElementById(location.hash.slice(1)) || {innerText: ''}).innerText.includes('Ohne JavaScript, aber ehrlich.')`)
	if got := evalJS[string](h, "location.origin + location.pathname"); got != app.URL+"/" {
		t.Errorf("after posting the reader is at %s, want the demo page %s/", got, app.URL)
	}
	if th := app.apiGetThread(t, "demo-article"); th.Story.CommentCount != 1 {
		t.Errorf("honest post: %d comments stored, want 1", th.Story.CommentCount)
	}
}

// waitAcrossNavigation is waitFor for a condition on the page itself,
// outside the block: polling starts again on the page a navigation in
// progress will show.
func (b *tab) waitAcrossNavigation(what, expr string) {
	b.t.Helper()
	b.poll(what, expr, expr)
}

// hostileReturns is the list the block's own redirect test uses.
func hostileReturns(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../internal/embed/testdata/hostile-returns.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestBrowserRedirectsStayOnAllowedOrigins(t *testing.T) {
	app := startTestApp(t)
	token := app.formToken(t)
	var locations []string
	for _, raw := range hostileReturns(t) {
		form := url.Values{"body": {"x"}, "name": {"Rita"}, "token": {token}, "return": {raw}}
		req, _ := http.NewRequest("POST", app.URL+demoPostPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// RoundTrip, not a client: a client parses Location itself, and
		// only the browser's reading counts here.
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return %q: %d", raw, resp.StatusCode)
		}
		locations = append(locations, resp.Header.Get("Location"))
	}
	b := newTab(t, "redirects")
	b.do("open a page of Parley", chromedp.Navigate(app.URL+"/healthz"))
	// Each Location is resolved against the URL it answered, as the
	// browser does when it follows the redirect.
	expr := fmt.Sprintf(`%s.map((l) => { try { return new URL(l, %s).origin; } catch (e) { return 'unparsable: ' + e; } })`,
		jsArray(locations), jsString(app.URL+demoPostPath))
	origins := evalJS[[]string](b, expr)
	for i, origin := range origins {
		if origin != app.URL {
			t.Errorf("return %q: Location %q opens %s in Chromium", hostileReturns(t)[i], locations[i], origin)
		}
	}
}

// jsArray makes a JavaScript array literal of strings.
func jsArray(list []string) string {
	b, _ := json.Marshal(list)
	return string(b)
}
