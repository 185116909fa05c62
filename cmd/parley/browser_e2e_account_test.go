package main

// One reader's whole account, end to end, with nothing stood in for: a
// real server that relays its mail to a real SMTP server, the publisher's
// German article on an origin of its own, and the widget in Chromium.

import (
	"context"
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"net/mail"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"parley"
	"parley/internal/embed"
	"parley/internal/outbox"
	"parley/internal/outbox/smtptest"
)

// recordDownloads makes every page keep what it saves through a Blob
// link in window.__saved ({name, href, text}), since headless Chromium
// shows no download the test could look at.
func (b *tab) recordDownloads() {
	b.t.Helper()
	b.do("record downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
window.__saved = []; const blobs = new Map(), made = URL.createObjectURL, click = HTMLAnchorElement.prototype.click;
URL.createObjectURL = (o) => { const u = made(o); blobs.set(u, o); return u; };
HTMLAnchorElement.prototype.click = function () {
  const blob = blobs.get(this.href);
  if (blob && this.download) return void blob.text().then((text) => window.__saved.push({name: this.download, type: blob.type, text}));
  return click.call(this);
};`})
		return err
	}))
}

// startTestRelay relays app's outbox to a real SMTP server, run by the test
// (mailApp.nextMail), so that every mail is delivered at a known step.
func startTestRelay(t *testing.T, store parley.Store) *mailApp {
	t.Helper()
	m := &mailApp{smtp: smtptest.Start(t, false), store: store}
	sender, err := outbox.ParseSMTPURL(m.smtp.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.relay, err = outbox.NewRelay(store, sender, outbox.Options{From: &mail.Address{Name: "Parley-Demo", Address: "noreply@news.example"},
		Host: "comments.news.example", Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBrowserEmailAccountEndToEnd: on a German article, a reader asks for
// an e-mail link in the sign-in panel, opens the link from the mail the
// SMTP server received, presses its button and lands back on the article
// signed in, the code gone from the address. They comment, find it in
// their profile, turn reply mails on, download their data and delete
// their account: the session is refused from then on and the comment is
// gone (the site's policy deletes; it had no replies).
func TestBrowserEmailAccountEndToEnd(t *testing.T) {
	var parleyURL string
	pub := startPublisher(t, "de", "rufbus", &parleyURL)
	demo := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", Origins: []string{pub.URL},
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength}
	app := startTestAppWith(t, demo, handlerConfig{Mail: true}, nil)
	parleyURL = app.URL
	mails := startTestRelay(t, app.store)
	de := german
	b := newTab(t, "e2e")
	b.recordDownloads()

	b.open(pub.URL + "/artikel")
	b.click("the sign-in button", "button("+jsString(de.T("account.signIn"))+")")
	b.fill("the e-mail field", "field("+jsString(de.T("signin.email"))+", "+dialogJS+")", "Lea@Example.org")
	b.click("send the link", "button("+jsString(de.T("signin.sendLink"))+", "+dialogJS+")")
	b.waitFor("check your inbox", "blockText().includes("+jsString(de.T("signin.sent"))+")")
	m := mails.nextMail(t)
	if m.To != "lea@example.org" {
		t.Errorf("the mail went to %q", m.To)
	}

	b.do("open the link from the mail", chromedp.Navigate(m.Link))
	b.click("the link page's button", "document.querySelector('form[method=post] button')")
	b.waitAcrossNavigation("back on the article", "location.origin == "+jsString(pub.URL)+" && !!document.querySelector('parley-discussion')")
	b.waitFor("signed in", "root && blockText().includes("+jsString(de.T("account.signedInAs", "lea"))+")")
	if hash := evalJS[string](b, "location.hash"); hash != "" {
		t.Errorf("the address keeps %q", hash)
	}
	session := evalJS[string](b, "localStorage.getItem('parley:session:demo') || ''")
	if !strings.HasPrefix(session, "pss_") {
		t.Fatalf("the widget keeps the session %q%s", session, b.diagnose())
	}

	body := "Endlich fährt der Rufbus auch sonntags"
	b.fill("the comment field", topBody, body)
	b.click("the submit button", topSend)
	b.waitFor("the new comment", commentJS(body))
	if th := app.apiGetThread(t, "rufbus"); len(th.Comments) != 1 || th.Comments[0].Author == nil {
		t.Fatalf("before the erasure the thread holds %+v", th)
	}

	profile := "button(" + jsString(de.T("account.profile")) + ")"
	b.click("the profile button", profile)
	b.waitFor("my comment in the profile", dialogJS+" && "+dialogJS+".querySelector('.mine').textContent.includes("+jsString(body)+")")
	if link := evalJS[string](b, dialogJS+".querySelector('.mine a').href + ' ' + named("+dialogJS+".querySelector('.mine a'))"); link != pub.URL+"/artikel#parley Publisher article" {
		t.Errorf("my comment links to %q, want its article by its title", link)
	}
	replies := "field(" + jsString(de.T("profile.replies")) + ", " + dialogJS + ")"
	b.waitFor("the notification switch, on offer", replies+" && !"+replies+".disabled && !"+replies+".checked")
	b.click("reply notifications on", replies)
	b.waitFor("saved", "blockText().includes("+jsString(de.T("status.saved"))+")")
	if got := apiJSON(t, app.URL+"/api/v1/sites/demo/me/notifications", session); got["replies"] != true {
		t.Errorf("after the switch the server says %v", got)
	}

	b.click("download my data", "button("+jsString(de.T("profile.download"))+", "+dialogJS+")")
	b.waitFor("the data saved", "window.__saved.length == 1")
	saved := evalJS[map[string]string](b, "window.__saved[0]")
	if t, _, _ := mime.ParseMediaType(saved["type"]); saved["name"] != "parley-demo.json" || t != "application/json" || !strings.Contains(saved["text"], body) {
		b.t.Errorf("saved %q (%s), %d bytes, the comment in it: %v", saved["name"], saved["type"], len(saved["text"]), strings.Contains(saved["text"], body))
	}

	confirm := "button(" + jsString(de.T("profile.deleteConfirm")) + ", " + dialogJS + ")"
	b.click("delete my account", "button("+jsString(de.T("profile.delete"))+", "+dialogJS+")")
	b.click("the box that says I understand", "field("+jsString(de.T("profile.deleteUnderstood"))+", "+dialogJS+")")
	b.click("the confirmation", confirm)
	b.waitFor("signed out after deleting", "!"+dialogJS+" && !localStorage.getItem('parley:session:demo') && blockText().includes("+jsString(de.T("profile.deleted"))+")")

	if res := apiGet(t, app.URL+"/api/v1/me?site=demo", session); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the erased account's session: %s, want 401", res.Status)
	}
	th := app.apiGetThread(t, "rufbus")
	for _, c := range th.Comments {
		if strings.Contains(c.HTML, "Rufbus") {
			t.Errorf("the erased reader's comment is still shown: %+v", c)
		}
	}
	if th.Story.CommentCount != 0 {
		t.Errorf("the story counts %d comments after the erasure", th.Story.CommentCount)
	}
	b.open(pub.URL + "/artikel")
	b.waitFor("the empty thread", "blockText().includes("+jsString(de.T("empty"))+") && !blockText().includes("+jsString(body)+")")
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.console) > 0 {
		t.Errorf("console errors: %q", b.console)
	}
}

// apiGet sends a GET with session as the bearer.
func apiGet(t *testing.T, url, session string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+session)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// apiJSON is apiGet's answer decoded, which must be a 200.
func apiJSON(t *testing.T, url, session string) map[string]any {
	t.Helper()
	res := apiGet(t, url, session)
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", url, res.Status, err)
	}
	return out
}
