package main

// Browser tests of the block in hostile or broken surroundings: a
// publisher page with a strict CSP, a page on an origin the site does not
// allow, a database outage.

import (
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"parley/internal/i18n"
)

// publisherCSP is the strictest policy a publisher's page can have and
// still carry the block: scripts and connections to the Parley host only,
// no inline scripts or styles, no eval. The page's own stylesheet may come
// from its own origin. This is the policy the README tells publishers.
func publisherCSP(parley string) string {
	return "default-src 'none'; script-src " + parley + "; connect-src " + parley +
		"; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'"
}

var publisherPage = template.Must(template.New("p").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>Publisher article</title></head>
<body><main><h1>Publisher article</h1>
<parley-discussion site="demo" story="{{.Story}}"></parley-discussion>
<script src="{{.Parley}}/embed.js" async></script></main></body></html>`))

// startPublisher serves an article page with the block on an origin of
// its own (another port), under a strict CSP. parley is filled in once the
// app, which must know this origin first, is up.
func startPublisher(t *testing.T, lang, story string, parley *string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", publisherCSP(*parley))
		publisherPage.Execute(w, map[string]string{"Lang": lang, "Story": story, "Parley": *parley})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recordViolations makes every page the tab opens keep its CSP violations
// in window.__violations. The listener is injected by the browser, so the
// page's own CSP does not stop it.
func (b *tab) recordViolations() {
	b.t.Helper()
	b.do("record CSP violations", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber), true);`})
		return err
	}))
}

// TestBrowserStrictCSP: on a publisher's page on another origin whose CSP
// allows no inline script or style and no eval, the block renders, a
// reader posts a comment, and the browser reports no violation.
func TestBrowserStrictCSP(t *testing.T) {
	var parleyURL string
	pub := startPublisher(t, "en", "csp-article", &parleyURL)
	app := startTestApp(t, pub.URL)
	parleyURL = app.URL
	app.apiPost(t, "csp-article", "", "Ada", "Posted before the page opened.")

	b := newTab(t, "csp")
	b.recordViolations()
	b.open(pub.URL + "/article")
	b.waitFor("the existing comment", commentJS("Posted before the page opened."))
	en := i18n.For("en")
	form := "form(" + jsString(en.T("composer.cta")) + ")"
	b.fill("the name field", "field("+jsString(en.T("composer.name"))+", "+form+")", "Grace")
	b.fill("the comment field", "field("+jsString(en.T("composer.body"))+", "+form+")", "Posted under a strict CSP.")
	b.click("the submit button", "button("+jsString(en.T("composer.submit"))+", "+form+")")
	b.waitFor("the new comment", commentJS("Posted under a strict CSP."))
	b.waitFor("the confirmation", "blockText().includes("+jsString(en.T("status.posted"))+")")
	if th := app.apiGetThread(t, "csp-article"); len(th.Comments) != 2 {
		t.Errorf("the API holds %d comments of the story, want 2", len(th.Comments))
	}
	styled := evalJS[bool](b, "getComputedStyle(root.querySelector('section')).paddingTop == '16px'") // .p{padding:1rem}
	if !styled {
		t.Errorf("the block is not styled under the strict CSP")
	}
	if v := evalJS[[]string](b, "window.__violations"); len(v) > 0 {
		t.Errorf("CSP violations on the publisher's page: %q", v)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		if strings.Contains(m, "Content Security Policy") {
			t.Errorf("console: %s", m)
		}
	}
}

// TestBrowserOriginNotAllowed: on a page whose origin the site does not
// allow, the block says so in the page's language (not "no connection"),
// and the console names the origin and the command that adds it.
func TestBrowserOriginNotAllowed(t *testing.T) {
	app := startTestApp(t)
	parleyURL := app.URL
	pub := startPublisher(t, "de", "fremd", &parleyURL)

	b := newTab(t, "refused")
	b.open(pub.URL + "/artikel")
	de := i18n.For("de")
	b.waitFor("the diagnosis", "blockText().includes("+jsString(de.T("error.originNotAllowed"))+")")
	if text := evalJS[string](b, "blockText()"); strings.Contains(text, de.T("error.network")) {
		t.Errorf("the block blames the network:\n%s", text)
	}
	cmd := "parley site update --id demo --add-origin " + pub.URL
	b.waitConsole(cmd)
}

// waitConsole waits until a console error containing s has arrived (the
// browser reports console calls asynchronously).
func (b *tab) waitConsole(s string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		b.mu.Lock()
		console := append([]string(nil), b.console...)
		b.mu.Unlock()
		if slices.ContainsFunc(console, func(m string) bool { return strings.Contains(m, s) }) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("no console error names %q; console: %q", s, console)
		}
		<-tick.C
	}
}

// TestBrowserOutage: when the database is gone, the block says the
// discussion is briefly unavailable, in the page's language, rather than
// blaming the reader's connection or showing a generic failure.
func TestBrowserOutage(t *testing.T) {
	app := startTestApp(t)
	b := newTab(t, "outage")
	app.store.Close()
	fr := i18n.For("fr")
	b.open(app.URL + "/fr?story=jamais-lu")
	b.waitFor("the outage message", "blockText().includes("+jsString(fr.T("error.unavailable"))+")")
	text := evalJS[string](b, "blockText()")
	for _, wrong := range []string{fr.T("error.network"), fr.T("error.internal")} {
		if strings.Contains(text, wrong) {
			t.Errorf("the block says %q during an outage:\n%s", wrong, text)
		}
	}
}
