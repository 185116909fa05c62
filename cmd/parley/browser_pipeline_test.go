package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"parley"
	"parley/internal/embed"
)

// TestBrowserPipeline: the widget's side of the moderation pipeline on a
// site that asks every anonymous post for a proof of work. The honeypot is
// in the form but out of sight and out of the accessibility tree, and a
// script that fills it is refused. A comment with a suspect word then
// meets, in turn, the proof of work (solved in the background by
// embed-pipeline.js, which the page loads only now), the nudge in German,
// and after "post anyway" a second proof; it ends as the reader's own
// comment awaiting moderation, which the public thread does not show.
func TestBrowserPipeline(t *testing.T) {
	demo := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true,
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength,
		Moderation: parley.Moderation{PowAlways: true}}
	app := startTestAppWith(t, demo, handlerConfig{}, nil)
	b := newTab(t, "pipeline")
	b.open(app.URL + "/")
	mark := app.log.mark()

	hp := topForm + ".querySelector('input[name=website]')"
	b.expect("a honeypot hidden from people and assistive technology", hp+" && "+hp+".closest('[aria-hidden=true]') && "+hp+
		".tabIndex == -1 && "+hp+".autocomplete == 'off' && "+hp+".getBoundingClientRect().right < 0")
	evalJS[bool](b, "("+hp+".value = 'https://spam.example', true)")
	b.postAttempt("Lena", "Kaufen Sie jetzt")
	b.waitFor("the refusal of a filled honeypot", "blockText().includes("+jsString(german.T("error.invalid"))+")")
	evalJS[bool](b, "("+hp+".value = '', true)")

	body := "Der Minister ist ein Idiot."
	b.click("the comment field", topBody) // it kept the refused text
	b.do("select all", chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.typeText(body)
	b.click("the submit button", topSend)
	nudge := "all('.ndg')[0]"
	b.waitFor("the nudge, in German, naming the word", nudge+" && "+nudge+".textContent.includes("+jsString(german.T("nudge.title"))+
		") && "+nudge+".textContent.includes('idiot')")
	b.expect("the nudge's heading focused", "focused() && focused().tagName == 'H3'")
	b.click("post anyway", buttonIn("nudge.postAnyway", nudge))
	b.waitFor("the comment, awaiting moderation", commentJS(body)+" && "+commentJS(body)+".textContent.includes("+jsString(german.T("comment.pending"))+")")

	var posts, pipeline int
	for _, r := range app.log.since(mark, "pipeline") {
		switch {
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/comments"):
			posts++
		case r.Path == "/embed-pipeline.js":
			pipeline++
		}
	}
	// honeypot; 428, 422 with the proof, 428 again, 201 with the second
	if posts != 5 || pipeline != 1 {
		t.Errorf("%d posts and %d loads of embed-pipeline.js, want 5 and 1", posts, pipeline)
	}
	for _, c := range app.apiGetThread(t, "demo-article").Comments {
		if strings.Contains(c.HTML, "Minister") || strings.Contains(c.HTML, "Kaufen") {
			t.Errorf("the public thread shows %q", c.HTML)
		}
	}
}

// postAttempt fills and sends the top composer without waiting for a
// comment to appear.
func (b *tab) postAttempt(name, body string) {
	b.t.Helper()
	b.fill("the name field", topName, name)
	b.fill("the comment field", topBody, body)
	b.click("the submit button", topSend)
}
