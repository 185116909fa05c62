package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/internal/follow"
	"parley/internal/i18n"
)

// TestBrowserInbox: a reader who posted with a commenter token gets a
// reply; the bell in the account bar shows it, opens the inbox by
// keyboard alone, in French, passes axe, closes with Escape back onto the
// bell, and the count is down to none, since the reader has seen it.
func TestBrowserInbox(t *testing.T) {
	axe := axeSource(t)
	app := startTestApp(t)
	d := &follow.Deriver{}
	f := follow.New(app.store, follow.Options{Logger: slog.New(slog.DiscardHandler)}, follow.EventLog(app.store, d), follow.AuditLog(app.store, d))
	if err := f.RunOnce(t.Context()); err != nil { // places the event cursor before the comments
		t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{"body": "Le bus de nuit, enfin !", "author": map[string]string{"name": "Léa"}})
	resp, err := http.Post(app.URL+"/api/v1/sites/demo/stories/inbox/comments", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var posted struct {
		Comment        struct{ ID string }
		CommenterToken string
	}
	json.NewDecoder(resp.Body).Decode(&posted)
	resp.Body.Close()
	app.apiPost(t, "inbox", posted.Comment.ID, "Marc", "Je ne suis pas d’accord.")
	if err := f.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}

	fr := i18n.For("fr")
	b := newTab(t, "inbox")
	b.open(app.URL + "/fr?story=inbox")
	b.do("Léa's commenter token", chromedp.Evaluate[chromedp.Void]("localStorage.setItem('parley:token:demo', "+jsString(posted.CommenterToken)+")"))
	b.open(app.URL + "/fr?story=inbox")
	bell := "button(" + jsString(fr.T("inbox.bell", "1")) + ")"
	b.waitFor("the bell with one unread", bell)
	b.tabTo("the bell", "focused() === "+bell)
	b.typeText(kb.Enter)
	b.waitFor("the inbox with the reply, focus inside", dialogJS+" && "+dialogJS+".contains(focused()) && named("+dialogJS+").includes("+jsString(fr.T("inbox.reply", "inbox"))+")")
	b.checkAxe("inbox (fr)", axe)
	checkNoEnglish(t, b, "fr")
	read := "button(" + jsString(fr.T("inbox.bell", "0")) + ")"
	b.typeText(kb.Escape)
	b.waitFor("the inbox closed, focus back on the bell, nothing unread", "!"+dialogJS+" && focused() === "+read)
}
