package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"parley"
)

// node is a comment of a test thread with the counts it was given.
type node struct {
	c                  *parley.Comment
	reactions, replies int
	shown              bool
}

// buildThread stores n children of parent (nil for the top level) on st,
// with a mix of statuses, reaction counts and reply counts that produces
// ties, pending and rejected comments, hidden deleted comments and shown
// placeholders.
func (f *fixture) buildThread(st *parley.Story, parent *parley.Comment, n int, users []*parley.User) []node {
	f.t.Helper()
	nodes := make([]node, n)
	for i := range nodes {
		status := parley.StatusApproved
		switch i % 10 {
		case 5:
			status = parley.StatusPending
		case 9:
			status = parley.StatusRejected
		}
		c := f.create(st, parent, status)
		nd := node{c: c, reactions: i % 4, replies: (i * 7) % 3, shown: status == parley.StatusApproved}
		switch i % 10 {
		case 3: // deleted without replies: hidden
			nd.replies, nd.shown = 0, false
		case 6: // deleted with replies: a placeholder
			nd.replies = 1 + i%2
		}
		for _, u := range users[:nd.reactions] {
			f.mustReact(c, u)
		}
		for range nd.replies {
			f.create(st, c, parley.StatusApproved)
		}
		if i%5 == 0 {
			f.create(st, c, parley.StatusPending)
		}
		if i%10 == 3 || i%10 == 6 {
			f.mustStatus(c, parley.StatusDeleted)
		}
		nodes[i] = nd
	}
	return nodes
}

// create stores a new comment on st.
func (f *fixture) create(st *parley.Story, parent *parley.Comment, status string) *parley.Comment {
	f.t.Helper()
	c := f.newComment(st, parent, status)
	if err := f.s.CreateComment(f.ctx, c); err != nil {
		f.t.Fatalf("CreateComment: %v", err)
	}
	return c
}

// expectedOrder returns the IDs of the shown nodes in the order of sort.
func expectedOrder(nodes []node, sort string) []string {
	var shown []node
	for _, nd := range nodes {
		if nd.shown {
			shown = append(shown, nd)
		}
	}
	slices.SortFunc(shown, func(a, b node) int {
		switch sort {
		case parley.SortOldest:
			return cmp.Compare(a.c.ID, b.c.ID)
		case parley.SortTop:
			return cmp.Or(cmp.Compare(b.reactions, a.reactions), cmp.Compare(b.c.ID, a.c.ID))
		case parley.SortReplies:
			return cmp.Or(cmp.Compare(b.replies, a.replies), cmp.Compare(b.c.ID, a.c.ID))
		}
		return cmp.Compare(b.c.ID, a.c.ID)
	})
	out := make([]string, len(shown))
	for i, nd := range shown {
		out[i] = nd.c.ID
	}
	return out
}

func testPages(t *testing.T, open Opener) {
	f := newFixture(t, open)
	users := []*parley.User{f.user, f.mustUser("Bo"), f.mustUser("Cy")}
	top := f.buildThread(f.story, nil, 23, users)
	other := f.mustStory("other")
	parent := f.create(other, nil, parley.StatusApproved)
	children := f.buildThread(other, parent, 12, users)
	sorts := []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies}
	for _, sort := range sorts {
		for _, limit := range []int{1, 4, 5, 100} {
			t.Run(fmt.Sprintf("%s/top/limit%d", sort, limit), func(t *testing.T) {
				q := parley.CommentQuery{SiteID: f.site.ID, StoryID: f.story.ID, Sort: sort, Limit: limit}
				if d := diff(expectedOrder(top, sort), f.walk(q)); d != "" {
					t.Errorf("pages concatenated (-want +got):\n%s", d)
				}
			})
			t.Run(fmt.Sprintf("%s/children/limit%d", sort, limit), func(t *testing.T) {
				q := parley.CommentQuery{SiteID: other.SiteID, StoryID: other.ID, ParentID: parent.ID, Sort: sort, Limit: limit}
				if d := diff(expectedOrder(children, sort), f.walk(q)); d != "" {
					t.Errorf("pages concatenated (-want +got):\n%s", d)
				}
			})
		}
	}
	t.Run("TopLevelOnly", func(t *testing.T) {
		q := parley.CommentQuery{SiteID: other.SiteID, StoryID: other.ID, Sort: parley.SortNewest, Limit: 100}
		if d := diff([]string{parent.ID}, f.walk(q)); d != "" {
			t.Errorf("top level of a story with replies (-want +got):\n%s", d)
		}
	})
}

// walk follows q's pages with cursors until a short or empty page and
// returns every ID it saw, failing on oversized pages or endless walks.
func (f *fixture) walk(q parley.CommentQuery) []string {
	f.t.Helper()
	var got []string
	for range 200 {
		page, err := f.s.Comments(f.ctx, q)
		if err != nil {
			f.t.Fatalf("Comments(%+v): %v", q, err)
		}
		if len(page) > q.Limit {
			f.t.Fatalf("page of %d comments, limit %d", len(page), q.Limit)
		}
		got = append(got, ids(page)...)
		if len(page) < q.Limit {
			return got
		}
		q.After = parley.CursorOf(page[len(page)-1], q.Sort)
	}
	f.t.Fatalf("pagination did not end after 200 pages; saw %d comments", len(got))
	return nil
}
