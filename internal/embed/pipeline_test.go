package embed_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parley"
	"parley/internal/embed"
)

// honeypotRE is the honeypot as the fragment must render it: inside an
// element hidden from assistive technology, labelled, out of the tab
// order and never autofilled.
var honeypotRE = regexp.MustCompile(`<div class="parley-hp" aria-hidden="true"><label for="parley-website">[^<]+</label><input id="parley-website" name="website" tabindex="-1" autocomplete="off"></div>`)

// TestFormHoneypot: the no-JavaScript form carries the honeypot; a post
// that fills it is refused in the reader's language with their text kept
// and stores nothing, one that leaves it empty is posted. On a site that
// asks for a proof of work and holds every comment, the form is not asked
// for one (it runs no script) and its comment waits for a moderator.
func TestFormHoneypot(t *testing.T) {
	w := newWorld(t)
	if page := get(t, w.srv.URL+"/embed/demo/stories/demo-article?lang=de"); !honeypotRE.MatchString(page) {
		t.Fatalf("the fragment lacks the honeypot:\n%s", page)
	}
	token := w.formToken(t)
	form := url.Values{"body": {"Billige Uhren"}, "name": {"Bot"}, "lang": {"de"}, "token": {token}, "website": {"https://spam.example"}}
	resp, page := w.postForm(t, form)
	if resp.StatusCode != 400 || !strings.Contains(page, "Ihr Kommentar konnte nicht gesendet werden.") || !strings.Contains(page, "Billige Uhren") {
		t.Errorf("filled honeypot: %d\n%s", resp.StatusCode, page)
	}
	if n := w.comments(t); n != 0 {
		t.Errorf("%d comments after the refused post, want 0", n)
	}
	form.Set("website", "")
	if resp, page := w.postForm(t, form); resp.StatusCode != 303 || w.comments(t) != 1 {
		t.Errorf("empty honeypot: %d, %d comments\n%s", resp.StatusCode, w.comments(t), page)
	}

	site, err := w.svc.Site(context.Background(), embed.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	site.Moderation = parley.Moderation{PowAlways: true, Premoderation: parley.PremoderateAll}
	if err := w.svc.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	form.Set("body", "Ohne Skript")
	if resp, page := w.postForm(t, form); resp.StatusCode != 303 {
		t.Errorf("form post where the site asks for a proof of work: %d\n%s", resp.StatusCode, page)
	}
	if n := w.comments(t); n != 1 {
		t.Errorf("%d comments shown, want 1: the held one is not", n)
	}
}
