package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

var errErase = errors.New("the user cannot be erased")

// failingErase is a store whose units fail at EraseUser, the last step of
// an erasure, after the comments were deleted and the reactions withdrawn.
type failingErase struct{ parley.Store }

func (s failingErase) Update(ctx context.Context, fn func(parley.Tx) error) error {
	return s.Store.Update(ctx, func(tx parley.Tx) error { return fn(failingEraseTx{tx}) })
}

type failingEraseTx struct{ parley.Tx }

func (failingEraseTx) EraseUser(context.Context, string, time.Time) error { return errErase }

// TestEraseIsOneUnit: an erasure that fails at its last step leaves the
// comments, the reactions and their counts as they were.
func TestEraseIsOneUnit(t *testing.T) {
	ctx := t.Context()
	store := testStore(t)
	log := quietLog()
	good := service.New(store, markup.New(), realtime.NewBus(), log)
	bad := service.New(failingErase{store}, markup.New(), realtime.NewBus(), log)
	if err := good.CreateSite(ctx, &parley.Site{ID: "news", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	post := func(name string) (*parley.Comment, context.Context) {
		p, err := good.Post(ctx, service.NewComment{SiteID: "news", StoryID: "s1", Body: "Von " + name + ".", AuthorName: name})
		if err != nil {
			t.Fatal(err)
		}
		u, err := store.User(ctx, p.Comment.AuthorID)
		if err != nil {
			t.Fatal(err)
		}
		return p.Comment, parley.WithActor(ctx, &parley.Actor{User: u, SiteID: "news", Role: parley.RoleCommenter, Method: parley.MethodToken})
	}
	theirs, _ := post("Ada")
	mine, as := post("Bob")
	if _, err := good.React(as, theirs.ID); err != nil {
		t.Fatal(err)
	}
	if err := bad.EraseMe(as, "news", service.EraseConfirmation); !errors.Is(err, errErase) {
		t.Fatalf("EraseMe = %v, want the failure of its last step", err)
	}
	if c, _ := store.Comment(ctx, mine.ID); c.Status != parley.StatusApproved || c.AuthorName != "Bob" {
		t.Errorf("own comment after a failed erasure: %s by %q", c.Status, c.AuthorName)
	}
	if c, _ := store.Comment(ctx, theirs.ID); c.ReactionCount != 1 {
		t.Errorf("reactions after a failed erasure = %d, want 1", c.ReactionCount)
	}
	if st, _ := store.Story(ctx, "news", "s1"); st.CommentCount != 2 {
		t.Errorf("story count after a failed erasure = %d, want 2", st.CommentCount)
	}
	if err := good.EraseMe(as, "news", service.EraseConfirmation); err != nil {
		t.Fatal(err)
	}
	if c, _ := store.Comment(ctx, mine.ID); c.Status != parley.StatusDeleted {
		t.Errorf("own comment after the erasure: %s", c.Status)
	}
	if st, _ := store.Story(ctx, "news", "s1"); st.CommentCount != 1 {
		t.Errorf("story count after the erasure = %d, want 1", st.CommentCount)
	}
	if c, _ := store.Comment(ctx, theirs.ID); c.ReactionCount != 0 {
		t.Errorf("reactions after the erasure = %d, want 0", c.ReactionCount)
	}
}
