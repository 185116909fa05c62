package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley"
)

// TestBrowserAdminTwoModerators: two moderators work the same queue at
// once, by keyboard alone. A approves with a and rejects with r and a
// reason's number; each item leaves B's screen live, and comes back on
// both when A undoes with u. ? opens the help. A ticks the two left with x
// and approves them at once. axe-core finds no violation on the queue in
// English and German.
func TestBrowserAdminTwoModerators(t *testing.T) {
	axe := axeSource(t)
	a, b := newTab(t, "moderator-a"), newTab(t, "moderator-b")
	app := startTestApp(t)
	var ids []string
	for _, text := range []string{"Erster Kommentar zum Rufbus.", "Zweiter: Das ist doch Unsinn, du Idiot.", "Dritter: Wann fährt der letzte Bus?"} {
		ids = append(ids, app.hold(t, "demo-article", "Leser", text))
	}
	newest, middle := ids[2], ids[1]
	for _, tb := range []*tab{a, b} {
		tb.deskCookie(app.URL, app.moderator(t, tb.agent))
		tb.do("open the queue", chromedp.Navigate(app.URL+"/admin/sites/demo"))
		tb.waitFor("three held comments", "document.querySelectorAll('.item').length === 3")
		tb.waitFor("the live queue", "document.querySelector('[data-live]').classList.contains('on')")
	}

	a.key("j")
	a.waitFor("the newest selected", "document.activeElement.dataset.comment === "+jsString(newest))
	a.key("a")
	a.waitFor("the approved comment gone", "!"+inQueue(newest))
	b.waitFor("the approved comment gone from B's queue", "!"+inQueue(newest))
	if s := app.commentStatus(t, newest); s != parley.StatusApproved {
		t.Errorf("after a: %s", s)
	}

	a.waitFor("the next one selected", "document.querySelector('.item.current')?.dataset.comment === "+jsString(middle))
	a.key("r")
	a.waitFor("the reasons to pick from", "!!document.querySelector('[data-picker]')")
	a.key("3")
	a.waitFor("the rejected comment gone", "!"+inQueue(middle))
	b.waitFor("the rejected comment gone from B's queue", "!"+inQueue(middle))
	if s := app.commentStatus(t, middle); s != parley.StatusRejected {
		t.Errorf("after r 3: %s", s)
	}
	entries, err := app.store.Audit(t.Context(), parley.AuditQuery{SiteID: "demo", CommentID: middle, Limit: 10})
	if err != nil || len(entries) == 0 || entries[0].Reason != parley.ReasonHate {
		t.Errorf("the rejection's audit entry: %v %+v, want reason %s", err, entries, parley.ReasonHate)
	}

	a.key("u")
	a.waitFor("the rejected comment back", inQueue(middle))
	b.waitFor("the rejected comment back on B's queue", inQueue(middle))
	if s := app.commentStatus(t, middle); s != parley.StatusPending {
		t.Errorf("after u: %s", s)
	}

	a.key("?")
	a.waitFor("the help dialog", "document.getElementById('help').open")
	a.checkAxe("queue with help, en", axe)
	a.key(kb.Escape)
	a.waitFor("the help closed", "!document.getElementById('help').open")

	b.do("switch to German", chromedp.Navigate(app.URL+"/admin/lang?to=de&back=/admin/sites/demo"))
	b.waitFor("the German queue", "document.documentElement.lang === 'de' && document.querySelectorAll('.item').length === 2")
	b.waitFor("the live queue", "document.querySelector('[data-live]').classList.contains('on')")
	b.checkAxe("queue, de", axe)

	a.key("k")
	a.key("x")
	a.key("j")
	a.key("x")
	a.waitFor("both ticked", "document.querySelectorAll('.pick:checked').length === 2")
	evalJS[bool](a, "(document.querySelector('#bulk button[value=approve]').click(), true)")
	a.waitFor("the queue empty", "document.querySelectorAll('.item').length === 0 && !document.querySelector('[data-empty]').hidden")
	b.waitFor("B's queue empty", "document.querySelectorAll('.item').length === 0")
	for _, id := range []string{ids[0], middle} {
		if s := app.commentStatus(t, id); s != parley.StatusApproved {
			t.Errorf("after the bulk approval: %s", s)
		}
	}
	for _, tb := range []*tab{a, b} {
		tb.mu.Lock()
		if len(tb.console) > 0 {
			t.Errorf("console errors on %s: %q", tb.agent, tb.console)
		}
		tb.mu.Unlock()
	}
}

// screenshotDir, when set, makes TestScreenshots save the moderator UI's
// screenshots there: go test ./cmd/parley -run TestScreenshots -screenshots ../../docs/screenshots
var screenshotDir = flag.String("screenshots", "", "directory for the moderator UI's screenshots (TestScreenshots)")

// TestScreenshots saves the README's pictures of the moderator UI in
// English and German: the queue, an item with its reasons and reports,
// the help dialog, the word lists and the queue on a phone. It runs only
// with -screenshots.
func TestScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("run with -screenshots DIR to save the moderator UI's screenshots")
	}
	dir, err := filepath.Abs(*screenshotDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	app := startDeskApp(t)
	seedDesk(t, app)
	b := newTab(t, "screenshots")
	b.deskCookie(app.URL, app.moderator(t, "Mara Weber"))
	b.do("desktop", chromedp.EmulateViewport(1280, 800))
	for _, lang := range []string{"en", "de"} {
		b.do("language "+lang, chromedp.Navigate(app.URL+"/admin/lang?to="+lang+"&back=/admin/sites/demo"))
		b.waitFor("the queue", "document.querySelectorAll('.item').length > 2 && document.querySelector('[data-live]').classList.contains('on')")
		b.shootPage(dir, "admin-queue-"+lang+".png")
		b.waitFor("the edited comment", "!!document.querySelector('.item:has(details.diff)')")
		evalJS[bool](b, "(document.querySelector('.item:has(details.diff)').focus(), true)")
		b.key("r")
		b.waitFor("the reasons to pick from", "!!document.querySelector('[data-picker]')")
		evalJS[bool](b, "(document.querySelector('.item.current details.diff').open = true)")
		b.shootElement(dir, "admin-item-"+lang+".png", ".item.current")
		b.key(kb.Escape)
		evalJS[bool](b, "(scrollTo(0, 0), true)")
		b.key("?")
		b.waitFor("the help", "document.getElementById('help').open")
		b.shootPage(dir, "admin-help-"+lang+".png")
		b.key(kb.Escape)
		b.do("the word lists", chromedp.Navigate(app.URL+"/admin/sites/demo/words?list=suspect&lang=de"))
		b.waitFor("the word lists", "!!document.querySelector('#words')")
		if lang == "en" {
			b.do("add words", chromedp.SendKeys(chromedp.CSS("#words"), "Dummkopf\nSchwachkopf\nLügenpresse\n"), chromedp.Submit(chromedp.CSS("#words")))
			b.waitAcrossNavigation("the words added", "document.querySelectorAll('.words li').length === 3")
		}
		b.shootPage(dir, "admin-words-"+lang+".png")
		b.do("the settings", chromedp.Navigate(app.URL+"/admin/sites/demo/settings"))
		b.waitFor("the settings", "!!document.querySelector('#trustAfter')")
		b.shootPage(dir, "admin-settings-"+lang+".png")
		b.do("the queue again", chromedp.Navigate(app.URL+"/admin/sites/demo"))
		b.click("the author of the edited comment", "document.querySelector('.item:has(details.diff) h2 a')")
		b.waitAcrossNavigation("the author's page", "!!document.querySelector('#notes-title')")
		b.shootPage(dir, "admin-user-"+lang+".png")
		b.do("the audit log", chromedp.Navigate(app.URL+"/admin/sites/demo/audit"))
		b.waitFor("the audit log", "!!document.querySelector('table')")
		b.shootPage(dir, "admin-audit-"+lang+".png")
	}
	b.do("phone", chromedp.EmulateViewport(390, 844))
	b.do("the queue", chromedp.Navigate(app.URL+"/admin/sites/demo"))
	b.waitFor("the queue", "document.querySelectorAll('.item').length > 2")
	b.shootPage(dir, "admin-queue-phone-de.png")
	if w := evalJS[int](b, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("on a phone the queue is %d px wide: it scrolls sideways", w)
	}
	t.Logf("screenshots in %s", dir)
}

// startDeskApp serves the demo site with links held for review and the
// local scorer on.
func startDeskApp(t *testing.T) *testApp {
	t.Helper()
	demo := &parley.Site{ID: "demo", Name: "Parley-Demo", AllowAnonymous: true, Origins: []string{"http://localhost"},
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength,
		Moderation: parley.Moderation{Premoderation: parley.PremoderateLinks,
			Scorers: json.RawMessage(`[{"name":"local","enabled":true,"threshold":0.6}]`)}}
	return startTestAppWith(t, demo, handlerConfig{}, nil)
}

// seedDesk fills the demo site's queue with what a morning's desk holds,
// each comment decided by the real pipeline: links held by the site's
// rule, a suspect word, the local scorer, an edit checked again, and
// readers' reports.
func seedDesk(t *testing.T, app *testApp) {
	t.Helper()
	app.postAnyway(t, "demo-article", "Petra", "Endlich! Ich fahre jeden Abend nach der Spätschicht nach Hause.")
	app.postAnyway(t, "demo-article", "Jonas K.", "Der Rufbus ist eine gute Idee, aber wer bezahlt das? Mehr dazu: https://example.org/haushalt")
	anna := app.postAnyway(t, "demo-article", "Anna", "Typisch Stadtrat.")
	for i, reason := range []string{parley.ReasonAbuse, parley.ReasonAbuse, parley.ReasonOffTopic} {
		r := app.postAnyway(t, "demo-article", fmt.Sprintf("Leser %d", i+1), fmt.Sprintf("Ich sehe das anders, Punkt %d.", i+1))
		app.call(t, "POST", "/comments/"+anna.ID+"/reports", r.Token, map[string]string{"reason": reason, "note": "Bitte prüfen."}, http.StatusCreated)
	}
	app.call(t, "PATCH", "/comments/"+anna.ID, anna.Token, map[string]string{"body": "Typisch Stadtrat. Alles Idioten da oben!"}, http.StatusOK)
	app.postAnyway(t, "demo-article", "BILLIG-UHREN", "GÜNSTIGE UHREN!!! JETZT KAUFEN https://spam.example https://spam.example/2 https://spam.example/3")
}

// shootPage saves the viewport as a PNG.
func (b *tab) shootPage(dir, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.save(dir, name, png)
}

// shootElement saves the element sel finds as a PNG.
func (b *tab) shootElement(dir, name, sel string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.save(dir, name, png)
}

func (b *tab) save(dir, name string, png []byte) {
	b.t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserAdminPasskey: on a site whose staff must use passkeys, a
// moderator's e-mail session (kept in Parley's localStorage, as the
// bootstrap link keeps it) is refused at the desk, and their passkey signs
// them in; the sign-in pages break no rule of their Content-Security-Policy.
func TestBrowserAdminPasskey(t *testing.T) {
	url, store := startPasskeyApp(t)
	ctx, now := t.Context(), parley.Now()
	mod := &parley.User{ID: parley.NewID(now), SiteID: "news", Name: "Moritz", Role: parley.RoleModerator, CreatedAt: now}
	if err := store.CreateUser(ctx, mod); err != nil {
		t.Fatal(err)
	}
	token, hash := parley.NewSessionToken()
	if err := store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: mod.ID, SiteID: "news", Method: "email", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, "admin-passkey")
	b.recordViolations()
	b.do("open the test page", chromedp.Navigate(url+"/passkey-test"))
	b.addAuthenticator()
	evalJS[bool](b, "(localStorage.setItem('parley:session:news', "+jsString(token)+"), true)")
	if got := pageCall[pageAnswer](b, "pk.registerPasskey(api, 'Laptop')"); got.Name != "Laptop" {
		t.Fatalf("registerPasskey = %+v%s", got, b.diagnose())
	}

	b.do("open the desk's sign-in", chromedp.Navigate(url+"/admin/signin?site=news"))
	b.click("continue with the kept session", "document.querySelector('[data-kept]')")
	b.waitAcrossNavigation("the refusal", "document.querySelector('[role=alert]')?.textContent.length > 0 && location.pathname === '/admin/session'")

	b.do("open the desk's sign-in again", chromedp.Navigate(url+"/admin/signin?site=news"))
	b.click("sign in with a passkey", "document.querySelector('[data-passkey]')")
	b.waitAcrossNavigation("the queue", "location.pathname === '/admin/sites/news' && !!document.querySelector('[data-list]')")
	if v := evalJS[[]string](b, "window.__violations"); len(v) > 0 {
		t.Errorf("CSP violations: %q", v)
	}
}
