package main

import (
	"strings"
	"testing"

	"parley"
)

// TestBrowserNotice files a notice of illegal content through the widget,
// by keyboard where a reader would type: the button beside Report loads
// embed-notice.js and opens the form; a refusal is announced and marks
// its field, which takes the focus; the receipt names the reference, and
// closing it gives the focus back to the button. axe finds nothing wrong
// with the form or the receipt.
func TestBrowserNotice(t *testing.T) {
	axe := axeSource(t)
	app := startTestApp(t)
	app.apiPost(t, "demo-article", "", "Lena", "Ein Kommentar, der gemeldet wird.")
	b := newTab(t, "notice")
	b.open(app.URL + "/")
	opener := "button(" + jsString(german.T("notice.action")) + ", comment('gemeldet wird'))"
	b.click("the notice button", opener)
	b.waitFor("the notice form", "field("+jsString(german.T("notice.kind"))+")")
	b.checkAxe("the notice form", axe)

	b.click("send", "button("+jsString(german.T("notice.submit"))+")")
	b.waitFor("the refusal", "all('[role=alert]').some((e) => e.textContent == "+jsString(german.T("error.noticeExplanation"))+")")
	b.expect("the explanation marked and focused", "focused() && focused().name == 'explanation' && focused().getAttribute('aria-invalid') == 'true'")

	b.typeText("Der Kommentar ruft zu Hass gegen eine Gruppe auf.")
	b.fill("the name", "field("+jsString(german.T("notice.name"))+")", "Eva Muster")
	b.fill("the e-mail address", "field("+jsString(german.T("notice.email"))+")", "eva@example.org")
	b.click("good faith", "field("+jsString(german.T("notice.goodFaith"))+")")
	b.click("send", "button("+jsString(german.T("notice.submit"))+")")
	done := strings.SplitN(german.T("notice.done"), "%s", 2)[0]
	b.waitFor("the receipt", "all('[role=status]').some((e) => e.textContent.startsWith("+jsString(done+"N-2026-")+"))")
	b.checkAxe("the receipt", axe)

	ns, err := app.store.NoticePage(t.Context(), parley.NoticeQuery{SiteID: "demo", Limit: 10})
	if err != nil || len(ns) != 1 || ns[0].Email != "eva@example.org" || ns[0].Kind != parley.NoticeHate || ns[0].Lang != "de" {
		t.Fatalf("stored notices = %+v, %v", ns, err)
	}
	if got := evalJS[string](b, "all('[role=status]').map((e) => e.textContent).join(' ')"); !strings.Contains(got, ns[0].Reference) {
		t.Errorf("the receipt %q does not name %s", got, ns[0].Reference)
	}
	b.click("back", "button("+jsString(german.T("notice.back"))+")")
	b.expect("the focus back on the notice button", "focused() == "+opener)
}
