package main

import (
	"testing"
)

// TestBrowserReactionNeedsIdentity: a reader who has not commented yet
// presses Respekt and Melden and gets, in the page's language, the note
// that reacting and reporting come with a first comment, instead of an
// error; no reaction or report is sent, and none is counted.
func TestBrowserReactionNeedsIdentity(t *testing.T) {
	app := startTestApp(t)
	other := "Mia hält den Rufbus für überfällig"
	app.apiPost(t, "demo-article", "", "Mia", other)
	b := newTab(t, "newcomer")
	b.open(app.URL + "/")
	mark := app.log.mark()
	note := jsString(german.T("error.identityRequired"))
	status := "all('[role=status]').find((e) => named(e) == " + note + ")"

	b.click("Respekt", buttonIn("comment.respect", commentJS(other)))
	b.waitFor("the note that reacting needs a first comment", status)
	if evalJS[bool](b, status+".classList.contains('err')") {
		t.Errorf("the note is shown as an error%s", b.diagnose())
	}
	if evalJS[string](b, buttonIn("comment.respect", commentJS(other))+".getAttribute('aria-pressed')") != "false" {
		t.Errorf("Respekt is pressed without an identity%s", b.diagnose())
	}

	evalJS[bool](b, "(root.querySelector('[role=status]').textContent = '', true)")
	b.click("Melden", buttonIn("comment.report", commentJS(other)))
	b.waitFor("the same note for reporting", status)
	if evalJS[bool](b, "!!"+commentJS(other)+".querySelector('form')") {
		t.Errorf("a report form opened without an identity%s", b.diagnose())
	}

	for _, r := range app.log.since(mark, "newcomer") {
		if r.Method != "GET" {
			t.Errorf("the widget sent %s without an identity", r)
		}
	}
	for _, c := range app.apiGetThread(t, "demo-article").Comments {
		if c.Reactions != 0 {
			t.Errorf("a reaction was counted: %+v", c)
		}
	}
}
