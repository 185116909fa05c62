package storetest

import (
	"sync"
	"testing"

	"parley"
)

// testConcurrentFailures posts many comments at once, some of which must
// fail: on a story that does not exist, under a parent that does not
// exist, with an ID that is taken. A backend may write concurrent
// comments together (the PostgreSQL store shares one commit among them):
// each caller must still get its own answer, the failing ones must leave
// nothing behind, and every other comment must be stored and counted once.
func testConcurrentFailures(t *testing.T, open Opener) {
	f := newFixture(t, open)
	hub := f.mustComment(nil, parley.StatusApproved)
	gone := &parley.Story{SiteID: f.site.ID, ID: "no-such-story"}
	const n = 48
	cs := make([]*parley.Comment, n)
	want := make([]string, n) // the error code each post must get, "" for none
	replies := 0
	for i := range cs {
		switch i % 8 {
		case 1:
			cs[i], want[i] = f.newComment(gone, nil, parley.StatusApproved), parley.ENOTFOUND
		case 3:
			cs[i], want[i] = f.newComment(f.story, hub, parley.StatusApproved), parley.ENOTFOUND
			cs[i].ParentID = "no-such-parent"
		case 5:
			cs[i], want[i] = f.newComment(f.story, nil, parley.StatusApproved), parley.ECONFLICT
			cs[i].ID = hub.ID
		case 6, 7:
			cs[i] = f.newComment(f.story, hub, parley.StatusApproved)
			replies++
		default:
			cs[i] = f.newComment(f.story, nil, parley.StatusApproved)
		}
	}
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			<-start
			errs[i] = f.s.CreateComment(f.ctx, c)
		})
	}
	close(start)
	wg.Wait()
	stored := 1 // hub
	for i, err := range errs {
		if got := parley.ErrorCode(err); (err == nil) != (want[i] == "") || (err != nil && got != want[i]) {
			t.Errorf("post %d: CreateComment = %v, want code %q", i, err, want[i])
		}
		if want[i] == "" {
			stored++
			if _, err := f.s.Comment(f.ctx, cs[i].ID); err != nil {
				t.Errorf("post %d not stored: %v", i, err)
			}
		}
	}
	if got := f.storyCount(); got != stored {
		t.Errorf("story CommentCount = %d, want %d", got, stored)
	}
	if got := f.get(hub.ID); got.ReplyCount != replies || got.Body != hub.Body {
		t.Errorf("shared parent: ReplyCount %d, body %q; want %d, %q", got.ReplyCount, got.Body, replies, hub.Body)
	}
	if _, err := f.s.Story(f.ctx, gone.SiteID, gone.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("Story of the failed posts = %v, want ENOTFOUND", err)
	}
}
