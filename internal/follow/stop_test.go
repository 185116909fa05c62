package follow_test

import (
	"context"
	"fmt"
	"testing"

	"parley"
	"parley/internal/follow"
)

// TestStopFinishesTheBatch: a follower told to stop while it derives a
// batch finishes that batch (committed whole) and then returns, rather
// than losing the batch to a cancelled unit of work.
func TestStopFinishesTheBatch(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		ada := w.user("Ada", parley.RoleCommenter)
		src := &audits{}
		const entries = 5
		for range entries {
			src.add(&parley.AuditEntry{SiteID: "news", Action: parley.AuditWarned, UserID: ada.ID})
		}
		ctx, stop := context.WithCancel(t.Context())
		defer stop()
		log := &follow.Log{Name: "test.stop", Read: follow.AuditLog(src, nil).Read,
			Derive: func(dctx context.Context, tx parley.Tx, e follow.Entry) error {
				stop() // SIGTERM arrives while the batch is under way
				_, err := tx.AddInboxItem(dctx, &parley.InboxItem{ID: parley.NewID(parley.Now()), UserID: ada.ID, SiteID: "news",
					Kind: parley.InboxWarned, EntryID: e.ID, Note: fmt.Sprint(e.ID), CreatedAt: parley.Now()})
				return err
			}}
		follow.New(store, follow.Options{Logger: quiet}, log).Run(ctx)
		items, err := store.InboxItems(t.Context(), ada.ID, "", parley.MaxInboxPage)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != entries {
			t.Errorf("%d of the batch's %d entries were derived, want all: the batch begun is finished", len(items), entries)
		}
	})
}
