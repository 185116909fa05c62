package storetest

import (
	"testing"

	"parley"
)

func testStories(t *testing.T, open Opener) {
	t.Run("Ensure", func(t *testing.T) {
		f := newFixture(t, open)
		want := &parley.Story{
			SiteID: f.site.ID, ID: "new-story", URL: "https://news.example/a?b=c", Title: "Ein Titel",
			Lang: "de-AT", Status: parley.StoryClosed, CreatedAt: f.tick(),
		}
		in := *want
		got, err := f.s.EnsureStory(f.ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("first EnsureStory (-want +got):\n%s", d)
		}
		f.mustComment(nil, parley.StatusApproved) // on f.story: must not leak into new-story
		second := &parley.Story{SiteID: want.SiteID, ID: want.ID, Title: "Changed", Status: parley.StoryOpen, CreatedAt: f.tick()}
		got, err = f.s.EnsureStory(f.ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("second EnsureStory did not return the stored story unchanged (-want +got):\n%s", d)
		}
		got, err = f.s.Story(f.ctx, want.SiteID, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("Story (-want +got):\n%s", d)
		}
	})
	t.Run("EnsureUnknownSite", func(t *testing.T) {
		f := newFixture(t, open)
		st := &parley.Story{SiteID: "missing", ID: "x", Status: parley.StoryOpen, CreatedAt: f.tick()}
		_, err := f.s.EnsureStory(f.ctx, st)
		wantCode(t, "EnsureStory(unknown site)", err, parley.ENOTFOUND)
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		other := f.mustSite("other")
		for _, k := range [][2]string{{f.site.ID, "missing"}, {"missing", f.story.ID}, {other.ID, f.story.ID}} {
			_, err := f.s.Story(f.ctx, k[0], k[1])
			wantCode(t, "Story("+k[0]+", "+k[1]+")", err, parley.ENOTFOUND)
		}
		missing := *f.story
		missing.ID = "missing"
		wantCode(t, "UpdateStory(missing)", f.s.UpdateStory(f.ctx, &missing), parley.ENOTFOUND)
	})
	t.Run("Update", func(t *testing.T) {
		f := newFixture(t, open)
		f.mustComment(nil, parley.StatusApproved)
		want := *f.story
		want.CommentCount = 1
		want.URL, want.Title, want.Lang, want.Status = "https://news.example/moved", "New title", "fr", parley.StoryClosed
		in := want
		in.CommentCount, in.CreatedAt = 99, f.tick() // neither may change
		if err := f.s.UpdateStory(f.ctx, &in); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Story(f.ctx, want.SiteID, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(&want, got); d != "" {
			t.Errorf("after UpdateStory (-want +got):\n%s", d)
		}
	})
	t.Run("CommentCounts", func(t *testing.T) {
		f := newFixture(t, open)
		empty := f.mustStory("empty")
		other := f.mustSite("other")
		f.mustStoryOn(other.ID, f.story.ID) // same story ID on another site
		f.mustComment(nil, parley.StatusApproved)
		f.mustComment(nil, parley.StatusApproved)
		f.mustComment(nil, parley.StatusPending)
		got, err := f.s.CommentCounts(f.ctx, f.site.ID, []string{f.story.ID, empty.ID, "unknown"})
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(map[string]int{f.story.ID: 2, empty.ID: 0}, got); d != "" {
			t.Errorf("CommentCounts (-want +got):\n%s", d)
		}
		got, err = f.s.CommentCounts(f.ctx, other.ID, []string{f.story.ID})
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(map[string]int{f.story.ID: 0}, got); d != "" {
			t.Errorf("CommentCounts on another site (-want +got):\n%s", d)
		}
		got, err = f.s.CommentCounts(f.ctx, f.site.ID, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("CommentCounts(no IDs) = %v, %v; want empty", got, err)
		}
	})
}
