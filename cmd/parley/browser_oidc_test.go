package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"parley"
)

// openerScript is the publisher's page script: it opens the sign-in popup
// exactly as the widget will, and keeps the messages that come from
// Parley's origin with the sign-in's type.
const openerScript = `
window.__messages = [];
window.addEventListener('message', (e) => {
  if (e.origin === PARLEY && e.data && e.data.type === 'parley:signin') window.__messages.push(e.data);
});
document.getElementById('signin').addEventListener('click', () => {
  window.open(PARLEY + '/auth/oidc/start?site=news&origin=' + encodeURIComponent(location.origin) + '&lang=en', 'parley-signin', 'popup,width=480,height=640');
});`

// TestBrowserOIDCPopup: on a publisher's page on an allowed origin, a
// reader clicks sign in, the popup goes to the real provider, the reader
// fills its login form, and the page receives the session from the popup,
// which closes itself.
func TestBrowserOIDCPopup(t *testing.T) {
	var parleyURL string
	pub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/opener.js" {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte("const PARLEY = " + jsString(parleyURL) + ";" + openerScript))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article</title></head>
<body><button id="signin">Sign in</button><script src="/opener.js"></script></body></html>`))
	}))
	t.Cleanup(pub.Close)
	b := newTab(t, "oidc")
	app := startTestApp(t)
	parleyURL = app.URL
	op := startProvider(t, app.URL)
	if err := app.store.CreateSite(t.Context(), &parley.Site{ID: "news", Origins: []string{pub.URL}, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, OIDC: parley.OIDC{Issuer: op.Issuer, ClientID: providerClient, Secret: providerSecret}}); err != nil {
		t.Fatal(err)
	}

	b.do("open the publisher's page", chromedp.Navigate(pub.URL))
	popup := chromedp.WaitNewTarget(b.ctx, func(info *target.Info) bool { return info.Type == "page" })
	b.click("the sign-in button", "document.getElementById('signin')")
	var id target.ID
	select {
	case id = <-popup:
	case <-time.After(15 * time.Second):
		t.Fatalf("no popup opened%s", b.diagnose())
	}
	closed := make(chan struct{})
	var once sync.Once
	chromedp.ListenBrowser(b.ctx, func(ev any) {
		if e, ok := ev.(*target.EventTargetDestroyed); ok && e.TargetID == id {
			once.Do(func() { close(closed) })
		}
	})
	pctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
	defer cancel()
	login, cancelLogin := context.WithTimeout(pctx, 20*time.Second)
	defer cancelLogin()
	if err := chromedp.Do(login,
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "ada"),
		chromedp.SendKeys(chromedp.ID("password"), providerPass),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
	); err != nil {
		t.Fatalf("fill the provider's login form in the popup: %v", err)
	}
	b.waitFor("the page to receive the sign-in from the popup", "window.__messages.length > 0")
	got := evalJS[string](b, "JSON.stringify(window.__messages)")
	for _, want := range []string{`"type":"parley:signin"`, `"session":"pss_`, `"name":"Ada Lovelace"`, `"role":"commenter"`, `"expiresAt":"`} {
		if !strings.Contains(got, want) {
			t.Errorf("messages %s lack %s", got, want)
		}
	}
	select {
	case <-closed:
	case <-b.ctx.Done():
		t.Fatal("the popup did not close itself after the sign-in")
	}
}
