package embed_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parley"
	"parley/internal/embed"
	"parley/internal/service"
)

// TestFormActor: the form's posts pass the same authentication as the
// JSON API. A credential the form sends names the poster (no browser form
// sends one today; a session will); a refused one is answered before
// anything is posted, with the block's own page in the reader's language
// and their text kept; and a site that wants an identity refuses a form
// without one.
func TestFormActor(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	posted, err := w.svc.Post(ctx, service.NewComment{SiteID: embed.DemoSite, StoryID: embed.DemoStory, Body: "Erst einmal.", AuthorName: "Gisela"})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"body": {"Mit Token."}, "token": {w.formToken(t)}, "lang": {"de"}}

	resp, page := w.postForm(t, form, "Authorization: Bearer "+posted.Token)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post with a commenter token: %d %s", resp.StatusCode, page)
	}
	th, err := w.svc.Thread(ctx, service.ThreadQuery{SiteID: embed.DemoSite, StoryID: embed.DemoStory, Sort: parley.SortNewest})
	if err != nil {
		t.Fatal(err)
	}
	if c := th.Comments[0].Comment; c.AuthorID != posted.Comment.AuthorID || c.AuthorName != "Gisela" {
		t.Errorf("the form posted as %s %q, want Gisela (%s)", c.AuthorID, c.AuthorName, posted.Comment.AuthorID)
	}

	before := w.comments(t)
	form.Set("body", "Mit falschem Token.")
	resp, page = w.postForm(t, form, "Authorization: Bearer nonsense")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Mit falschem Token.") || !strings.Contains(page, `lang="de"`) {
		t.Errorf("refused credential: %d, want 401 with the text kept, in German:\n%s", resp.StatusCode, page)
	}
	if w.comments(t) != before {
		t.Error("a refused credential posted")
	}

	site, err := w.svc.Site(ctx, embed.DemoSite)
	if err != nil {
		t.Fatal(err)
	}
	site.AllowAnonymous = false
	if err := w.svc.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	form.Set("name", "Niemand")
	if resp, page = w.postForm(t, form); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a members-only site took an anonymous form: %d %s", resp.StatusCode, page)
	}
}
