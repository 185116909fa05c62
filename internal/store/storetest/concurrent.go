package storetest

import (
	"fmt"
	"sync"
	"testing"

	"parley"
)

// testConcurrent has many writers change the same rows at once: the same
// story's count, the same parents' reply counts, the same comments'
// reaction counts. Every count must come out exact.
func testConcurrent(t *testing.T, open Opener) {
	const workers, perWorker, shared = 16, 50, 4
	f := newFixture(t, open)
	hubs, users := f.mustWriters(shared, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { f.write(t, users[w], hubs, w, perWorker) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	// Per worker: every third comment is top level, the others reply to a
	// shared comment in turn; each worker reacts once to each shared comment.
	repliesPerHub := make([]int, shared)
	for range workers {
		for i := range perWorker {
			if i%3 != 0 {
				repliesPerHub[i%shared]++
			}
		}
	}
	if got, want := f.storyCount(), shared+workers*perWorker; got != want {
		t.Errorf("story CommentCount = %d, want %d", got, want)
	}
	for i, h := range hubs {
		got := f.get(h.ID)
		if got.ReplyCount != repliesPerHub[i] || got.ReactionCount != workers {
			t.Errorf("shared comment %d: ReplyCount %d, ReactionCount %d; want %d, %d",
				i, got.ReplyCount, got.ReactionCount, repliesPerHub[i], workers)
		}
	}
	q := parley.CommentQuery{SiteID: f.site.ID, StoryID: f.story.ID, Sort: parley.SortTop, Limit: 50}
	topLevel := f.walk(q)
	if want := shared + workers*((perWorker+2)/3); len(topLevel) != want {
		t.Errorf("%d top-level comments listed, want %d", len(topLevel), want)
	}
	if len(topLevel) < shared {
		t.FailNow()
	}
	if got := topLevel[:shared]; !sameSet(got, ids(hubs)) {
		t.Errorf("most reacted comments = %v, want the shared ones %v", got, ids(hubs))
	}
}

// write is one concurrent writer. It reports failures with t.Errorf, which
// unlike t.Fatalf is safe off the test goroutine.
func (f *fixture) write(t *testing.T, u *parley.User, hubs []*parley.Comment, w, n int) {
	for i := range n {
		at := parley.Now()
		c := &parley.Comment{
			ID: parley.NewID(at), SiteID: f.site.ID, StoryID: f.story.ID, AuthorID: u.ID, AuthorName: u.Name,
			Body: fmt.Sprintf("comment %d of writer %d", i, w), HTML: "<p>comment</p>", Status: parley.StatusApproved, CreatedAt: at,
		}
		c.RootID = c.ID
		if hub := hubs[i%len(hubs)]; i%3 != 0 {
			c.ParentID, c.RootID, c.Depth = hub.ID, hub.ID, 1
		}
		if err := f.s.CreateComment(f.ctx, c); err != nil {
			t.Errorf("writer %d: CreateComment: %v", w, err)
			return
		}
		if i < len(hubs) {
			if ok, err := f.s.AddReaction(f.ctx, hubs[i].ID, u.ID, at); err != nil || !ok {
				t.Errorf("writer %d: AddReaction = %v, %v", w, ok, err)
				return
			}
		}
	}
}

func sameSet(a, b []string) bool {
	seen := make(map[string]bool, len(a))
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if !seen[s] {
			return false
		}
	}
	return len(a) == len(b) && len(seen) == len(b)
}

// mustWriters makes the shared approved comments many writers work on and
// one user for each writer.
func (f *fixture) mustWriters(shared, workers int) ([]*parley.Comment, []*parley.User) {
	f.t.Helper()
	hubs := make([]*parley.Comment, shared)
	for i := range hubs {
		hubs[i] = f.mustComment(nil, parley.StatusApproved)
	}
	users := make([]*parley.User, workers)
	for i := range users {
		users[i] = f.mustUser(fmt.Sprintf("writer %d", i))
	}
	return hubs, users
}
