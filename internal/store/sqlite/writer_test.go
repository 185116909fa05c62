package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"parley"
)

// insertSite returns a write that stores a site with the given ID.
func insertSite(id string) func(ctx context.Context, tx *txn) error {
	return func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, edit_window_ms, max_body_length, created_at)
			VALUES (?, '', 0, 1, 0)`, id)
		return mapError(err, "Site", "Site")
	}
}

// TestBatchIsolation commits one batch in which one write fails after it
// changed a row and another conflicts: only those two are undone, and each
// caller gets its own answer.
func TestBatchIsolation(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	errHalfway := errors.New("failed halfway")
	halfway := func(ctx context.Context, tx *txn) error {
		if err := insertSite("halfway")(ctx, tx); err != nil {
			return err
		}
		return errHalfway
	}
	fns := []func(context.Context, *txn) error{insertSite("a"), halfway, insertSite("a"), insertSite("b")}
	batch := make([]*request, len(fns))
	for i, fn := range fns {
		batch[i] = &request{ctx: t.Context(), fn: fn, done: make(chan error, 1)}
	}
	s.w.commit(batch)
	wantErrs := []string{"", errHalfway.Error(), parley.ECONFLICT, ""}
	for i, req := range batch {
		err := <-req.done
		switch want := wantErrs[i]; {
		case want == "" && err != nil, want == parley.ECONFLICT && parley.ErrorCode(err) != want,
			want == errHalfway.Error() && !errors.Is(err, errHalfway):
			t.Errorf("write %d: err = %v, want %q", i, err, want)
		}
	}
	sites, err := s.Sites(t.Context())
	mustDo(t, err)
	if len(sites) != 2 || sites[0].ID != "a" || sites[1].ID != "b" {
		t.Errorf("sites after the batch = %v, want a and b", sites)
	}
}

// TestCancelledWrite checks that a write whose caller has gone is skipped.
func TestCancelledWrite(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.w.do(ctx, insertSite("gone")); !errors.Is(err, context.Canceled) {
		t.Errorf("do with a cancelled context = %v, want context.Canceled", err)
	}
	mustDo(t, s.w.do(t.Context(), insertSite("later"))) // commits after any queued write
	if _, err := s.Site(t.Context(), "gone"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("cancelled write was committed: err = %v", err)
	}
}

// TestCloseDrains races writers against Close: every write that was
// acknowledged must be in the file afterwards, and the others must have
// been refused with EUNAVAILABLE.
func TestCloseDrains(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(t.Context(), path)
	mustDo(t, err)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				id := fmt.Sprintf("site-%d-%d", i, j)
				err := s.CreateSite(context.Background(), &parley.Site{ID: id, MaxBodyLength: 1})
				if parley.ErrorCode(err) == parley.EUNAVAILABLE {
					return
				}
				if err != nil {
					t.Errorf("CreateSite: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	mustDo(t, s.Close())
	wg.Wait()
	s = mustOpen(t, path)
	for _, id := range acked {
		if _, err := s.Site(t.Context(), id); err != nil {
			t.Errorf("acknowledged site %s: %v", id, err)
		}
	}
}

// TestUnitsInOneCommit commits units of work in one batch, as the writer
// does with units queued at the same moment: one fails after writing a
// site, a story and a user, one panics after the same writes, and only
// those two are undone, each with its own answer.
func TestUnitsInOneCommit(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	errHalfway := errors.New("failed halfway")
	unitOf := func(i int) func(u *unit) error {
		return func(u *unit) error {
			id := fmt.Sprintf("site-%d", i)
			if err := u.CreateSite(t.Context(), &parley.Site{ID: id, MaxBodyLength: 1}); err != nil {
				return err
			}
			if _, err := u.EnsureStory(t.Context(), &parley.Story{SiteID: id, ID: "s", Status: parley.StoryOpen}); err != nil {
				return err
			}
			if err := u.CreateUser(t.Context(), &parley.User{ID: id, SiteID: id, TokenHash: id}); err != nil {
				return err
			}
			switch i {
			case 1:
				return errHalfway
			case 2:
				panic("unit 2 panics")
			}
			return nil
		}
	}
	batch := make([]*request, 4)
	for i := range batch {
		batch[i] = &request{ctx: t.Context(), fn: asWrite(unitOf(i)), done: make(chan error, 1)}
	}
	s.w.commit(batch)
	for i, req := range batch {
		err := <-req.done
		ue, _ := err.(*unitError)
		switch {
		case i == 1 && (ue == nil || ue.err != errHalfway),
			i == 2 && (ue == nil || ue.value != "unit 2 panics"),
			(i == 0 || i == 3) && err != nil:
			t.Errorf("unit %d: err = %#v", i, err)
		}
		id := fmt.Sprintf("site-%d", i)
		_, siteErr := s.Site(t.Context(), id)
		_, storyErr := s.Story(t.Context(), id, "s")
		_, userErr := s.User(t.Context(), id)
		for what, err := range map[string]error{"site": siteErr, "story": storyErr, "user": userErr} {
			if failed := i == 1 || i == 2; failed != (parley.ErrorCode(err) == parley.ENOTFOUND) {
				t.Errorf("unit %d: reading its %s after the commit: err = %v", i, what, err)
			}
		}
	}
}
