package storetest

import (
	"testing"

	"parley"
)

// testRecount imports rows with wrong counts next to native comments and
// checks that RecountStory makes every count what the native writes keep:
// the story's approved count and reply counts through a deleted
// placeholder; AddUserCounts adds the imported comments to their author's.
func testRecount(t *testing.T, open Opener) {
	f := newFixture(t, open)
	native := f.mustComment(nil, parley.StatusApproved)
	f.mustComment(native, parley.StatusPending)
	other := f.mustStory("story-2")
	elsewhere := f.newComment(other, nil, parley.StatusRejected)
	if err := f.s.CreateComment(f.ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	wrong := func(c *parley.Comment) *parley.Comment { c.ReplyCount, c.ReportCount = 7, 1; return c }
	gone := wrong(f.newComment(f.story, nil, parley.StatusDeleted)) // a placeholder with one shown reply below
	gone.Body, gone.HTML, gone.DeletedAt = "", "", gone.CreatedAt
	reply := wrong(f.newComment(f.story, gone, parley.StatusApproved))
	deep := wrong(f.newComment(f.story, reply, parley.StatusRejected))
	empty := wrong(f.newComment(f.story, nil, parley.StatusDeleted)) // a placeholder with nothing shown below
	empty.Body, empty.HTML = "", ""
	hidden := wrong(f.newComment(f.story, empty, parley.StatusPending))
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		for _, c := range []*parley.Comment{gone, reply, deep, empty, hidden} {
			if _, err := tx.ImportComment(f.ctx, c); err != nil {
				return err
			}
		}
		if err := tx.RecountStory(f.ctx, f.site.ID, f.story.ID); err != nil {
			return err
		}
		return tx.AddUserCounts(f.ctx, f.user.ID, parley.UserCounts{Approved: 1, Pending: 1, Rejected: 1, Reports: 5})
	})
	if err != nil {
		t.Fatalf("import and RecountStory: %v", err)
	}
	f.check("recounted", 2, map[*parley.Comment]int{native: 0, gone: 1, reply: 0, deep: 0, empty: 0, hidden: 0},
		map[string][]string{"": {native.ID, gone.ID}, gone.ID: {reply.ID}})
	u, err := f.s.User(f.ctx, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := parley.UserCounts{Approved: 2, Pending: 2, Rejected: 2, Reports: 5}
	if u.Counts != want {
		t.Errorf("author's counts = %+v, want %+v (native and added)", u.Counts, want)
	}
	wantCode(t, "AddUserCounts of a missing user", f.s.AddUserCounts(f.ctx, "nobody", parley.UserCounts{Approved: 1}), parley.ENOTFOUND)
	if err := f.s.RecountStory(f.ctx, f.site.ID, other.ID); err != nil {
		t.Errorf("RecountStory of a story without imports: %v", err)
	}
	if got := f.get(native.ID).ReplyCount; got != 0 {
		t.Errorf("native comment's ReplyCount = %d, want 0 (its reply is pending)", got)
	}
	wantCode(t, "RecountStory of a missing story", f.s.RecountStory(f.ctx, f.site.ID, "nope"), parley.ENOTFOUND)
}
