package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testRecentBodies checks parley.RecentBodies, the duplicate check's read:
// only the author's comments posted at since or later, newest first, at
// most limit, deleted ones left out, and EINVALID for a limit below 1.
func testRecentBodies(t *testing.T, open Opener) {
	f := newFixture(t, open)
	old := f.mustComment(nil, parley.StatusApproved)
	f.now = f.now.Add(time.Minute)
	since := f.now.Add(time.Millisecond) // the next tick
	a := f.mustComment(nil, parley.StatusApproved)
	gone := f.mustComment(nil, parley.StatusApproved)
	f.mustStatus(gone, parley.StatusDeleted)
	b := f.mustComment(nil, parley.StatusPending)
	other := f.newComment(f.story, nil, parley.StatusApproved)
	other.AuthorID = f.mustUser("Bea").ID
	if err := f.s.CreateComment(f.ctx, other); err != nil {
		t.Fatal(err)
	}
	body := func(c *parley.Comment) parley.RecentBody {
		return parley.RecentBody{SiteID: c.SiteID, Body: c.Body, CreatedAt: c.CreatedAt}
	}
	for _, tc := range []struct {
		limit int
		want  []parley.RecentBody
	}{{10, []parley.RecentBody{body(b), body(a)}}, {1, []parley.RecentBody{body(b)}}} {
		got, err := f.s.RecentBodies(f.ctx, f.user.ID, since, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("RecentBodies(since %v, limit %d) (-want +got):\n%s", since, tc.limit, d)
		}
	}
	got, err := f.s.RecentBodies(f.ctx, f.user.ID, old.CreatedAt, 10)
	if err != nil || len(got) != 3 || got[2].Body != old.Body {
		t.Errorf("RecentBodies from the first comment's time = %v, %v; want 3, the first last", got, err)
	}
	if _, err := f.s.RecentBodies(f.ctx, f.user.ID, since, 0); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("RecentBodies(limit 0) = %v, want EINVALID", err)
	}
}
