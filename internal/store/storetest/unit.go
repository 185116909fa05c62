package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"parley"
)

// errUnit is what a unit returns to give up after it wrote.
var errUnit = errors.New("the unit gives up")

// testUnits checks Update: a unit commits all of its writes or none, sees
// its own writes, returns its error as it was and survives a panic.
func testUnits(t *testing.T, open Opener) {
	t.Run("FailLeavesNothing", func(t *testing.T) { testUnitFails(t, open) })
	t.Run("SeesOwnWrites", func(t *testing.T) { testUnitReads(t, open) })
	t.Run("ErrorAsIs", func(t *testing.T) { testUnitErrors(t, open) })
	t.Run("Panic", func(t *testing.T) { testUnitPanics(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testUnitsConcurrent(t, open) })
}

// post is what Service.Post writes in one unit: a new story, a new
// commenter and the comment, plus a reply on the fixture's story (which has
// counts and events to leave alone) and a status change of old.
type post struct {
	story *parley.Story
	user  *parley.User
	top   *parley.Comment // on story
	reply *parley.Comment // on f.story
}

func (f *fixture) newPost(n int, parent *parley.Comment) *post {
	at := f.tick()
	p := &post{
		story: &parley.Story{SiteID: f.site.ID, ID: fmt.Sprintf("unit-%d", n), Title: "T", Lang: "en",
			Status: parley.StoryOpen, CreatedAt: at},
		user: &parley.User{ID: parley.NewID(at), SiteID: f.site.ID, Name: fmt.Sprintf("U%d", n),
			TokenHash: fmt.Sprintf("unit-%d-hash", n), CreatedAt: at},
	}
	p.top = f.newComment(p.story, nil, parley.StatusApproved)
	p.reply = f.newComment(f.story, parent, parley.StatusApproved)
	p.top.AuthorID, p.reply.AuthorID = p.user.ID, p.user.ID
	return p
}

// write stores p through tx, and old's status change if old is not nil.
func (f *fixture) writePost(tx parley.Tx, p *post, old *parley.Comment) error {
	if _, err := tx.EnsureStory(f.ctx, p.story); err != nil {
		return fmt.Errorf("EnsureStory: %w", err)
	}
	if err := tx.CreateUser(f.ctx, p.user); err != nil {
		return fmt.Errorf("CreateUser: %w", err)
	}
	if err := tx.CreateComment(f.ctx, p.top); err != nil {
		return fmt.Errorf("CreateComment: %w", err)
	}
	if err := tx.CreateComment(f.ctx, p.reply); err != nil {
		return fmt.Errorf("CreateComment (reply): %w", err)
	}
	if old != nil {
		return tx.SetCommentStatus(f.ctx, old.ID, parley.StatusDeleted, f.tick())
	}
	return nil
}

// wantNone fails the test if any row of p exists.
func (f *fixture) wantNone(what string, p *post) {
	f.t.Helper()
	if _, err := f.s.Story(f.ctx, p.story.SiteID, p.story.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		f.t.Errorf("%s: story of a failed unit: err = %v, want ENOTFOUND", what, err)
	}
	if _, err := f.s.User(f.ctx, p.user.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		f.t.Errorf("%s: user of a failed unit: err = %v, want ENOTFOUND", what, err)
	}
	for _, c := range []*parley.Comment{p.top, p.reply} {
		if _, err := f.s.Comment(f.ctx, c.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			f.t.Errorf("%s: comment of a failed unit: err = %v, want ENOTFOUND", what, err)
		}
	}
}

// wantAll fails the test unless every row of p exists.
func (f *fixture) wantAll(what string, p *post) {
	f.t.Helper()
	if st, err := f.s.Story(f.ctx, p.story.SiteID, p.story.ID); err != nil || st.CommentCount != 1 {
		f.t.Errorf("%s: story of a committed unit = %+v, %v; want one comment", what, st, err)
	}
	if _, err := f.s.User(f.ctx, p.user.ID); err != nil {
		f.t.Errorf("%s: user of a committed unit: %v", what, err)
	}
	for _, c := range []*parley.Comment{p.top, p.reply} {
		if _, err := f.s.Comment(f.ctx, c.ID); err != nil {
			f.t.Errorf("%s: comment of a committed unit: %v", what, err)
		}
	}
}

func testUnitFails(t *testing.T, open Opener) {
	f := newFixture(t, open)
	parent := f.mustComment(nil, parley.StatusApproved)
	old := f.mustComment(parent, parley.StatusApproved)
	count, events := f.storyCount(), f.newestEvent()
	p := f.newPost(1, parent)
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		if err := f.writePost(tx, p, old); err != nil {
			t.Errorf("writes before the failure: %v", err)
		}
		return errUnit
	})
	if err != errUnit {
		t.Errorf("Update = %v, want the unit's own error", err)
	}
	f.wantNone("failed unit", p)
	if got := f.storyCount(); got != count {
		t.Errorf("story CommentCount after a failed unit = %d, want %d", got, count)
	}
	if got := f.newestEvent(); got != events {
		t.Errorf("newest event after a failed unit = %d, want %d (nothing appended)", got, events)
	}
	if got := f.get(old.ID); got.Status != parley.StatusApproved || got.Body != old.Body {
		t.Errorf("comment whose deletion was rolled back: status %q body %q", got.Status, got.Body)
	}
	if got := f.get(parent.ID); got.ReplyCount != 1 {
		t.Errorf("parent ReplyCount after a failed unit = %d, want 1", got.ReplyCount)
	}
}

func (f *fixture) newestEvent() int64 {
	f.t.Helper()
	id, err := f.s.NewestEventID(f.ctx)
	if err != nil {
		f.t.Fatalf("NewestEventID: %v", err)
	}
	return id
}

func testUnitReads(t *testing.T, open Opener) {
	f := newFixture(t, open)
	p := f.newPost(1, nil)
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		if err := f.writePost(tx, p, nil); err != nil {
			return err
		}
		st, err := tx.Story(f.ctx, p.story.SiteID, p.story.ID)
		if err != nil || st.CommentCount != 1 {
			t.Errorf("Story in the unit = %+v, %v; want it with one comment", st, err)
		}
		if u, err := tx.UserByTokenHash(f.ctx, p.user.TokenHash); err != nil || u.ID != p.user.ID {
			t.Errorf("UserByTokenHash in the unit = %+v, %v; want %s", u, err, p.user.ID)
		}
		if _, err := tx.User(f.ctx, p.user.ID); err != nil {
			t.Errorf("User in the unit: %v", err)
		}
		if err := tx.SetCommentStatus(f.ctx, p.top.ID, parley.StatusPending, f.tick()); err != nil {
			return err
		}
		if c, err := tx.Comment(f.ctx, p.top.ID); err != nil || c.Status != parley.StatusPending {
			t.Errorf("Comment in the unit after a status change = %+v, %v; want pending", c, err)
		}
		_, err = tx.Site(f.ctx, f.site.ID)
		return err
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := f.get(p.top.ID); got.Status != parley.StatusPending {
		t.Errorf("status after the unit = %q, want pending", got.Status)
	}
}

func testUnitErrors(t *testing.T, open Opener) {
	f := newFixture(t, open)
	refused := parley.Errorf(parley.EFORBIDDEN, "This discussion is closed.").Keyed("closed")
	wrapped := fmt.Errorf("post: %w", errUnit)
	for _, want := range []error{refused, wrapped} {
		err := f.s.Update(f.ctx, func(tx parley.Tx) error { return want })
		if err != want {
			t.Errorf("Update = %v, want %v as it was", err, want)
		}
	}
	if err := f.s.Update(f.ctx, func(tx parley.Tx) error { return refused }); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("Update = %v, want EFORBIDDEN", err)
	}
	// A store error from inside the unit keeps its code.
	orphan := f.newComment(f.story, &parley.Comment{ID: parley.NewID(f.tick())}, parley.StatusApproved)
	err := f.s.Update(f.ctx, func(tx parley.Tx) error { return tx.CreateComment(f.ctx, orphan) })
	wantCode(t, "reply to a missing parent in a unit", err, parley.ENOTFOUND)
	err = f.s.Update(f.ctx, func(tx parley.Tx) error { return tx.CreateUser(f.ctx, f.user) })
	wantCode(t, "user twice in a unit", err, parley.ECONFLICT)
	if !errors.Is(f.s.Update(f.ctx, func(tx parley.Tx) error { return wrapped }), errUnit) {
		t.Errorf("errors.Is through Update lost the cause")
	}
}

func testUnitPanics(t *testing.T, open Opener) {
	f := newFixture(t, open)
	p := f.newPost(1, nil)
	got := func() (v any) {
		defer func() { v = recover() }()
		f.s.Update(f.ctx, func(tx parley.Tx) error {
			if err := f.writePost(tx, p, nil); err != nil {
				t.Errorf("writes before the panic: %v", err)
			}
			panic("unit panics")
		})
		return nil
	}()
	if got != "unit panics" {
		t.Errorf("recovered %v from Update, want the unit's own panic", got)
	}
	f.wantNone("panicked unit", p)
	// The store goes on: the next unit commits.
	next := f.newPost(2, nil)
	if err := f.s.Update(f.ctx, func(tx parley.Tx) error { return f.writePost(tx, next, nil) }); err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
	f.wantAll("unit after a panic", next)
}

// testUnitsConcurrent runs many units at once (on SQLite they share group
// commits), every other one failing after all its writes: the failures
// leave nothing, the others everything, and the shared counts are exact.
func testUnitsConcurrent(t *testing.T, open Opener) {
	const units = 32
	f := newFixture(t, open)
	parent := f.mustComment(nil, parley.StatusApproved)
	posts := make([]*post, units)
	for i := range posts {
		posts[i] = f.newPost(i, parent)
	}
	var wg sync.WaitGroup
	for i, p := range posts {
		wg.Go(func() {
			err := f.s.Update(f.ctx, func(tx parley.Tx) error {
				if err := f.writePost(tx, p, nil); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("unit %d: %w", i, errUnit)
				}
				return nil
			})
			if (i%2 == 1) != errors.Is(err, errUnit) || (err != nil && !errors.Is(err, errUnit)) {
				t.Errorf("unit %d: Update = %v", i, err)
			}
		})
	}
	wg.Wait()
	for i, p := range posts {
		if i%2 == 1 {
			f.wantNone(fmt.Sprintf("unit %d", i), p)
		} else {
			f.wantAll(fmt.Sprintf("unit %d", i), p)
		}
	}
	if got, want := f.storyCount(), 1+units/2; got != want {
		t.Errorf("story CommentCount = %d, want %d", got, want)
	}
	if got := f.get(parent.ID); got.ReplyCount != units/2 {
		t.Errorf("parent ReplyCount = %d, want %d", got.ReplyCount, units/2)
	}
}
