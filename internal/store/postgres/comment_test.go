package postgres

import (
	"testing"
	"time"

	"parley"
	"parley/internal/store/postgres/pgtest"
)

// TestCreateCommentSlowPath covers what the one-statement insert hands over
// to a transaction: a reply that brings hidden deleted ancestors back, and
// parents that are missing or on another story.
func TestCreateCommentSlowPath(t *testing.T) {
	s := mustOpenURL(t, pgtest.SchemaURL(t, pgtest.URL(t)))
	ctx := t.Context()
	at := parley.Now()
	st := seedStory(t, s, "story", 0)
	other := seedStory(t, s, "other", 0)
	create := func(st *parley.Story, parent *parley.Comment) (*parley.Comment, error) {
		at = at.Add(time.Millisecond)
		c := &parley.Comment{ID: parley.NewID(at), SiteID: st.SiteID, StoryID: st.ID, AuthorID: "u",
			Status: parley.StatusApproved, CreatedAt: at}
		c.RootID = c.ID
		if parent != nil {
			c.ParentID, c.RootID, c.Depth = parent.ID, parent.RootID, parent.Depth+1
		}
		return c, s.CreateComment(ctx, c)
	}
	must := func(c *parley.Comment, err error) *parley.Comment {
		t.Helper()
		if err != nil {
			t.Fatalf("CreateComment: %v", err)
		}
		return c
	}
	a := must(create(st, nil))
	b := must(create(st, a))
	c := must(create(st, b))
	for _, x := range []*parley.Comment{c, b} {
		if err := s.SetCommentStatus(ctx, x.ID, parley.StatusDeleted, at); err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, s, st, 1, map[string]int{a.ID: 0, b.ID: 0})
	must(create(st, b))
	wantCounts(t, s, st, 2, map[string]int{a.ID: 1, b.ID: 1})

	if _, err := create(other, a); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("reply on another story: %v, want not_found", err)
	}
	if _, err := create(st, &parley.Comment{ID: "missing"}); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("reply to a missing parent: %v, want not_found", err)
	}
	if _, err := create(&parley.Story{SiteID: st.SiteID, ID: "missing"}, nil); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("comment on a missing story: %v, want not_found", err)
	}
	wantCounts(t, s, st, 2, map[string]int{a.ID: 1, b.ID: 1})
}

func wantCounts(t *testing.T, s *Store, st *parley.Story, comments int, replies map[string]int) {
	t.Helper()
	got, err := s.Story(t.Context(), st.SiteID, st.ID)
	if err != nil || got.CommentCount != comments {
		t.Errorf("CommentCount = %v (%v), want %d", got, err, comments)
	}
	for id, want := range replies {
		if c, err := s.Comment(t.Context(), id); err != nil || c.ReplyCount != want {
			t.Errorf("ReplyCount of %s = %v (%v), want %d", id, c, err, want)
		}
	}
}
