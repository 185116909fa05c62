package storetest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testWords checks a site's word lists: entries are kept per site, list
// and language, added once (a repeat is no new entry), read back in byte
// order, removed by name, and an unknown site has none to add to.
func testWords(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustSite("other")
	add := func(siteID, list, lang string, words []string, want int) {
		t.Helper()
		n, err := f.s.AddWords(f.ctx, siteID, list, lang, words, f.tick())
		if err != nil || n != want {
			t.Errorf("AddWords(%s, %s, %s, %q) = %d, %v; want %d new", siteID, list, lang, words, n, err, want)
		}
	}
	read := func(siteID, list, lang string, want []string) {
		t.Helper()
		got, err := f.s.Words(f.ctx, siteID, list, lang)
		if err != nil {
			t.Fatalf("Words(%s, %s, %s): %v", siteID, list, lang, err)
		}
		if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
			t.Errorf("Words(%s, %s, %s) (-want +got):\n%s", siteID, list, lang, diff)
		}
	}
	add(f.site.ID, parley.WordsBanned, "de", []string{"Zwerg", "Arsch", "idiot*", "Ärger"}, 4)
	add(f.site.ID, parley.WordsBanned, "de", []string{"Arsch", "neu"}, 1)
	add(f.site.ID, parley.WordsSuspect, "de", []string{"Arsch"}, 1) // another list
	add(f.site.ID, parley.WordsBanned, "fr", []string{"con"}, 1)    // another language
	add(other.ID, parley.WordsBanned, "de", []string{"Arsch"}, 1)   // another site
	add(f.site.ID, parley.WordsBanned, "de", nil, 0)

	read(f.site.ID, parley.WordsBanned, "de", []string{"Arsch", "Zwerg", "idiot*", "neu", "Ärger"})
	read(f.site.ID, parley.WordsSuspect, "de", []string{"Arsch"})
	read(f.site.ID, parley.WordsBanned, "fr", []string{"con"})
	read(f.site.ID, parley.WordsSuspect, "en", nil)

	n, err := f.s.RemoveWords(f.ctx, f.site.ID, parley.WordsBanned, "de", []string{"Arsch", "nie gelistet"})
	if err != nil || n != 1 {
		t.Errorf("RemoveWords = %d, %v; want 1 removed", n, err)
	}
	read(f.site.ID, parley.WordsBanned, "de", []string{"Zwerg", "idiot*", "neu", "Ärger"})
	read(other.ID, parley.WordsBanned, "de", []string{"Arsch"})

	if _, err := f.s.AddWords(f.ctx, "nosuchsite", parley.WordsBanned, "de", []string{"x"}, f.tick()); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("AddWords on an unknown site: %v, want ENOTFOUND", err)
	}

	// In a unit of work, the words are written with the rest or not at all.
	err = f.s.Update(f.ctx, func(tx parley.Tx) error {
		if _, err := tx.AddWords(f.ctx, f.site.ID, parley.WordsSuspect, "es", []string{"tonto"}, f.tick()); err != nil {
			return err
		}
		return parley.Errorf(parley.ECONFLICT, "roll back")
	})
	if parley.ErrorCode(err) != parley.ECONFLICT {
		t.Fatalf("Update = %v, want its fn's error", err)
	}
	read(f.site.ID, parley.WordsSuspect, "es", nil)
}

// testModerationSettings checks that a site's moderation settings and a
// story's pre-moderation override round-trip, the zero values included.
func testModerationSettings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	got, err := f.s.Site(f.ctx, f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(parley.Moderation{}, got.Moderation); diff != "" {
		t.Errorf("Moderation of a new site (-want +got):\n%s", diff)
	}
	want := parley.Moderation{
		Premoderation: parley.PremoderateLinks, TrustAfter: 5, LinkAllowlist: []string{"news.example"},
		CloseAfterDays: 30, PremoderateAfterDays: 7, PowAfter: 3, PowAlways: true, NoDefaultWords: true,
		WordsVersion: 42, Scorers: json.RawMessage(`[{"name":"local","enabled":true,"threshold":0.5}]`),
	}
	f.site.Moderation = want
	if err := f.s.UpdateSite(f.ctx, f.site); err != nil {
		t.Fatal(err)
	}
	if got, err = f.s.Site(f.ctx, f.site.ID); err != nil {
		t.Fatal(err)
	}
	var wantScorers, gotScorers any
	json.Unmarshal(want.Scorers, &wantScorers)
	json.Unmarshal(got.Moderation.Scorers, &gotScorers)
	if diff := cmp.Diff(wantScorers, gotScorers); diff != "" {
		t.Errorf("Scorers (-want +got):\n%s", diff)
	}
	want.Scorers, got.Moderation.Scorers = nil, nil
	if diff := cmp.Diff(want, got.Moderation); diff != "" {
		t.Errorf("Moderation (-want +got):\n%s", diff)
	}

	if f.story.Premoderation != "" {
		t.Errorf("Premoderation of a new story = %q, want \"\" (the site's)", f.story.Premoderation)
	}
	f.story.Premoderation = parley.PremoderateAll
	if err := f.s.UpdateStory(f.ctx, f.story); err != nil {
		t.Fatal(err)
	}
	st, err := f.s.Story(f.ctx, f.site.ID, f.story.ID)
	if err != nil || st.Premoderation != parley.PremoderateAll {
		t.Errorf("Story after UpdateStory = %+v, %v; want Premoderation all", st, err)
	}
	st2 := &parley.Story{SiteID: f.site.ID, ID: "story-2", Status: parley.StoryOpen, Premoderation: parley.PremoderateNew, CreatedAt: f.tick()}
	if got, err := f.s.EnsureStory(f.ctx, st2); err != nil || got.Premoderation != parley.PremoderateNew {
		t.Errorf("EnsureStory = %+v, %v; want Premoderation new", got, err)
	}
}

// testApprovedComments checks that only a user's approved comments on the
// site count, and no more than the limit.
func testApprovedComments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	for _, status := range []string{parley.StatusApproved, parley.StatusApproved, parley.StatusPending, parley.StatusRejected, parley.StatusApproved} {
		f.mustComment(nil, status)
	}
	for limit, want := range map[int]int{1: 1, 2: 2, 3: 3, 10: 3} {
		if n, err := f.s.ApprovedComments(f.ctx, f.site.ID, f.user.ID, limit); err != nil || n != want {
			t.Errorf("ApprovedComments(limit %d) = %d, %v; want %d", limit, n, err, want)
		}
	}
	if n, err := f.s.ApprovedComments(f.ctx, "other", f.user.ID, 10); err != nil || n != 0 {
		t.Errorf("ApprovedComments on another site = %d, %v; want 0", n, err)
	}
	if _, err := f.s.ApprovedComments(f.ctx, f.site.ID, f.user.ID, 0); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("ApprovedComments(limit 0): %v, want EINVALID", err)
	}
}
