package storetest

import (
	"testing"

	"parley"
)

// testCounts walks comments through their statuses and checks after every
// step the counts the store keeps and what the public thread lists.
func testCounts(t *testing.T, open Opener) {
	t.Run("Pending", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.mustComment(nil, parley.StatusApproved)
		p := f.mustComment(a, parley.StatusPending)
		q := f.mustComment(nil, parley.StatusPending)
		f.check("pending", 1, map[*parley.Comment]int{a: 0}, map[string][]string{"": {a.ID}, a.ID: nil})
		f.mustStatus(p, parley.StatusApproved)
		f.check("approved", 2, map[*parley.Comment]int{a: 1}, map[string][]string{"": {a.ID}, a.ID: {p.ID}})
		f.mustStatus(p, parley.StatusRejected)
		f.check("rejected", 1, map[*parley.Comment]int{a: 0}, map[string][]string{"": {a.ID}, a.ID: nil})
		f.mustStatus(q, parley.StatusDeleted)
		f.check("pending deleted", 1, map[*parley.Comment]int{a: 0}, map[string][]string{"": {a.ID}})
	})
	t.Run("DeleteLeaf", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.mustComment(nil, parley.StatusApproved)
		b := f.mustComment(a, parley.StatusApproved)
		f.check("created", 2, map[*parley.Comment]int{a: 1, b: 0}, map[string][]string{a.ID: {b.ID}})
		at := f.tick()
		if err := f.s.SetCommentStatus(f.ctx, b.ID, parley.StatusDeleted, at); err != nil {
			t.Fatal(err)
		}
		f.check("deleted", 1, map[*parley.Comment]int{a: 0}, map[string][]string{a.ID: nil})
		want := *b
		want.Status, want.Body, want.HTML, want.DeletedAt = parley.StatusDeleted, "", "", at
		if d := diff(&want, f.get(b.ID)); d != "" {
			t.Errorf("deleted comment (-want +got):\n%s", d)
		}
	})
	t.Run("DeletePlaceholder", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.mustComment(nil, parley.StatusApproved)
		b := f.mustComment(a, parley.StatusApproved)
		c := f.mustComment(b, parley.StatusApproved)
		at := f.tick()
		if err := f.s.SetCommentStatus(f.ctx, b.ID, parley.StatusDeleted, at); err != nil {
			t.Fatal(err)
		}
		f.check("placeholder", 2, map[*parley.Comment]int{a: 1, b: 1}, map[string][]string{a.ID: {b.ID}, b.ID: {c.ID}})
		page, err := f.s.Comments(f.ctx, parley.CommentQuery{SiteID: f.site.ID, StoryID: f.story.ID, ParentID: a.ID, Sort: parley.SortOldest, Limit: 10})
		if err != nil || len(page) != 1 {
			t.Fatalf("Comments under a = %v, %v; want the placeholder", page, err)
		}
		want := *b
		want.Status, want.Body, want.HTML, want.DeletedAt, want.ReplyCount = parley.StatusDeleted, "", "", at, 1
		if d := diff(&want, page[0]); d != "" {
			t.Errorf("listed placeholder (-want +got):\n%s", d)
		}
		f.mustStatus(c, parley.StatusDeleted)
		f.check("last reply deleted", 1, map[*parley.Comment]int{a: 0, b: 0}, map[string][]string{"": {a.ID}, a.ID: nil, b.ID: nil})
	})
	t.Run("CascadeUp", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.mustComment(nil, parley.StatusApproved)
		b := f.mustComment(a, parley.StatusApproved)
		c := f.mustComment(b, parley.StatusApproved)
		d := f.mustComment(nil, parley.StatusApproved)
		f.mustStatus(a, parley.StatusDeleted)
		f.mustStatus(b, parley.StatusDeleted)
		f.check("two placeholders", 2, map[*parley.Comment]int{a: 1, b: 1, c: 0}, map[string][]string{"": {a.ID, d.ID}, a.ID: {b.ID}, b.ID: {c.ID}})
		f.mustStatus(c, parley.StatusRejected)
		f.check("leaf rejected", 1, map[*parley.Comment]int{a: 0, b: 0}, map[string][]string{"": {d.ID}, a.ID: nil, b.ID: nil})
		f.mustStatus(c, parley.StatusApproved)
		f.check("leaf approved again", 2, map[*parley.Comment]int{a: 1, b: 1}, map[string][]string{"": {a.ID, d.ID}, a.ID: {b.ID}, b.ID: {c.ID}})
	})
	t.Run("RejectWithReplies", func(t *testing.T) {
		f := newFixture(t, open)
		a := f.mustComment(nil, parley.StatusApproved)
		b := f.mustComment(a, parley.StatusApproved)
		c := f.mustComment(b, parley.StatusApproved)
		f.mustStatus(b, parley.StatusRejected)
		f.check("rejected middle", 2, map[*parley.Comment]int{a: 0, b: 1, c: 0}, map[string][]string{"": {a.ID}, a.ID: nil})
		f.mustStatus(b, parley.StatusRejected) // the same status again changes nothing
		f.check("rejected twice", 2, map[*parley.Comment]int{a: 0, b: 1}, map[string][]string{a.ID: nil})
	})
}

// check compares the story's CommentCount, the ReplyCount of the given
// comments, and the shown children (oldest first) of the given parents.
func (f *fixture) check(step string, storyCount int, replies map[*parley.Comment]int, children map[string][]string) {
	f.t.Helper()
	if got := f.storyCount(); got != storyCount {
		f.t.Errorf("%s: story CommentCount = %d, want %d", step, got, storyCount)
	}
	for c, want := range replies {
		if got := f.get(c.ID).ReplyCount; got != want {
			f.t.Errorf("%s: ReplyCount of %s = %d, want %d", step, c.ID, got, want)
		}
	}
	for parent, want := range children {
		q := parley.CommentQuery{SiteID: f.site.ID, StoryID: f.story.ID, ParentID: parent, Sort: parley.SortOldest, Limit: 100}
		page, err := f.s.Comments(f.ctx, q)
		if err != nil {
			f.t.Fatalf("%s: Comments: %v", step, err)
		}
		if d := diff(want, ids(page)); d != "" {
			f.t.Errorf("%s: shown children of %q (-want +got):\n%s", step, parent, d)
		}
	}
}
