package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testFollow checks what the followers of the logs rely on: cursors that
// advance by compare-and-set, inbox items stored once, and webhook
// endpoints with their delivery queue.
func testFollow(t *testing.T, open Opener) {
	t.Run("Cursor", func(t *testing.T) { testCursor(t, open) })
	t.Run("CursorRace", func(t *testing.T) { testCursorRace(t, open) })
	t.Run("CursorUnit", func(t *testing.T) { testCursorUnit(t, open) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, open) })
	t.Run("InboxRead", func(t *testing.T) { testInboxRead(t, open) })
	t.Run("Webhooks", func(t *testing.T) { testWebhooks(t, open) })
	t.Run("Deliveries", func(t *testing.T) { testDeliveries(t, open) })
	t.Run("DeliveryClaims", func(t *testing.T) { testDeliveryClaims(t, open) })
}

func testCursor(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c, err := f.s.LogCursor(f.ctx, "audit")
	if err != nil {
		t.Fatal(err)
	}
	if c.Position != 0 || c.Version != 0 || len(c.Missing) != 0 {
		t.Fatalf("new cursor = %+v, want position 0, version 0", c)
	}
	since := f.tick().Truncate(time.Millisecond)
	c.Position, c.Missing = 42, []parley.Hole{{ID: 40, Since: since}, {ID: 41, Since: since}}
	if err := f.s.AdvanceCursor(f.ctx, c); err != nil {
		t.Fatalf("AdvanceCursor (first): %v", err)
	}
	if c.Version != 1 {
		t.Errorf("Version after the first advance = %d, want 1", c.Version)
	}
	got, err := f.s.LogCursor(f.ctx, "audit")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got, equateEmpty); diff != "" {
		t.Errorf("stored cursor (-want +got):\n%s", diff)
	}
	stale := *got
	got.Position, got.Missing = 50, nil
	if err := f.s.AdvanceCursor(f.ctx, got); err != nil {
		t.Fatalf("AdvanceCursor (second): %v", err)
	}
	stale.Position = 99
	if err := f.s.AdvanceCursor(f.ctx, &stale); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("AdvanceCursor from a stale version = %v, want ECONFLICT", err)
	}
	fresh := &parley.LogCursor{Name: "audit", Position: 7}
	if err := f.s.AdvanceCursor(f.ctx, fresh); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("AdvanceCursor of a second first version = %v, want ECONFLICT", err)
	}
	if c, _ := f.s.LogCursor(f.ctx, "audit"); c.Position != 50 || len(c.Missing) != 0 || c.Version != 2 {
		t.Errorf("cursor after the refused advances = %+v, want position 50, version 2", c)
	}
	if other, _ := f.s.LogCursor(f.ctx, "events"); other.Position != 0 {
		t.Errorf("another cursor moved with it: %+v", other)
	}
	for _, bad := range []*parley.LogCursor{{Name: ""}, {Name: "x", Missing: make([]parley.Hole, parley.MaxMissingEvents+1)}} {
		if err := f.s.AdvanceCursor(f.ctx, bad); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("AdvanceCursor(%q with %d holes) = %v, want EINVALID", bad.Name, len(bad.Missing), err)
		}
	}
}

// testCursorRace advances one cursor from many goroutines that all read
// the same version: exactly one wins.
func testCursorRace(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := &parley.LogCursor{Name: "events", Position: 1}
	if err := f.s.AdvanceCursor(f.ctx, c); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			mine := *c
			mine.Position = int64(10 + i)
			errs[i] = f.s.AdvanceCursor(f.ctx, &mine)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case parley.ErrorCode(err) != parley.ECONFLICT:
			t.Errorf("AdvanceCursor = %v, want nil or ECONFLICT", err)
		}
	}
	if won != 1 {
		t.Errorf("%d advances from one version succeeded, want 1", won)
	}
}

// testCursorUnit checks that a cursor advanced in a unit that fails stays
// where it was, with what the unit derived.
func testCursorUnit(t *testing.T, open Opener) {
	f := newFixture(t, open)
	boom := errors.New("boom")
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		c, err := tx.LogCursor(f.ctx, "audit")
		if err != nil {
			return err
		}
		c.Position = 5
		if err := tx.AdvanceCursor(f.ctx, c); err != nil {
			return err
		}
		if _, err := tx.AddInboxItem(f.ctx, f.inboxItem(f.user, parley.InboxApproved, 5)); err != nil {
			return err
		}
		if c, err := tx.LogCursor(f.ctx, "audit"); err != nil || c.Position != 5 {
			t.Errorf("cursor in the unit = %+v, %v; want position 5", c, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if c, _ := f.s.LogCursor(f.ctx, "audit"); c.Position != 0 || c.Version != 0 {
		t.Errorf("cursor after a failed unit = %+v, want the new one", c)
	}
	if items := f.inbox(f.user, "", 10); len(items) != 0 {
		t.Errorf("inbox after a failed unit = %d items, want none", len(items))
	}
}

func (f *fixture) inboxItem(u *parley.User, kind string, entry int64) *parley.InboxItem {
	at := f.tick()
	return &parley.InboxItem{ID: parley.NewID(at), UserID: u.ID, SiteID: u.SiteID, Kind: kind, StoryID: f.story.ID,
		CommentID: parley.NewID(at), EntryID: entry, Reason: parley.ReasonSpam, Note: "Please stay on topic.", CreatedAt: at}
}

func (f *fixture) inbox(u *parley.User, before string, limit int) []*parley.InboxItem {
	f.t.Helper()
	items, err := f.s.InboxItems(f.ctx, u.ID, before, limit)
	if err != nil {
		f.t.Fatalf("InboxItems: %v", err)
	}
	return items
}

func (f *fixture) unread(u *parley.User) int {
	f.t.Helper()
	n, err := f.s.UnreadInbox(f.ctx, u.ID)
	if err != nil {
		f.t.Fatalf("UnreadInbox: %v", err)
	}
	return n
}

func testInbox(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustUser("Grace")
	var want []*parley.InboxItem
	for i := range 5 {
		it := f.inboxItem(f.user, parley.InboxReply, 0)
		if i == 3 {
			it.Kind, it.EntryID, it.Until = parley.InboxSuspended, 9, f.now.Add(24*time.Hour).Truncate(time.Millisecond)
		}
		if ok, err := f.s.AddInboxItem(f.ctx, it); err != nil || !ok {
			t.Fatalf("AddInboxItem = %v, %v; want true", ok, err)
		}
		want = append([]*parley.InboxItem{it}, want...)
	}
	if _, err := f.s.AddInboxItem(f.ctx, f.inboxItem(other, parley.InboxFeatured, 3)); err != nil {
		t.Fatal(err)
	}
	again := *want[0]
	again.ID = parley.NewID(f.tick())
	if ok, err := f.s.AddInboxItem(f.ctx, &again); err != nil || ok {
		t.Errorf("AddInboxItem of the same kind, comment and entry = %v, %v; want false, nil", ok, err)
	}
	ghost := f.inboxItem(&parley.User{ID: parley.NewID(f.tick()), SiteID: f.site.ID}, parley.InboxReply, 0)
	if ok, err := f.s.AddInboxItem(f.ctx, ghost); err != nil || ok {
		t.Errorf("AddInboxItem for no user = %v, %v; want false, nil", ok, err)
	}
	first := f.inbox(f.user, "", 3)
	if diff := cmp.Diff(want[:3], first, equateEmpty); diff != "" {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[3:], f.inbox(f.user, first[2].ID, 3), equateEmpty); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
	if n := f.unread(f.user); n != 5 {
		t.Errorf("UnreadInbox = %d, want 5", n)
	}
	for _, limit := range []int{0, parley.MaxInboxPage + 1} {
		if _, err := f.s.InboxItems(f.ctx, f.user.ID, "", limit); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("InboxItems(limit %d) = %v, want EINVALID", limit, err)
		}
	}
	if err := f.s.EraseUser(f.ctx, f.user.ID, f.tick()); err != nil {
		t.Fatal(err)
	}
	if items := f.inbox(f.user, "", 10); len(items) != 0 {
		t.Errorf("inbox after erasure = %d items, want none", len(items))
	}
	if n := f.unread(other); n != 1 {
		t.Errorf("another reader's unread after erasure = %d, want 1", n)
	}
}

func testInboxRead(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustUser("Grace")
	var ids []string
	for range 4 {
		it := f.inboxItem(f.user, parley.InboxReply, 0)
		if _, err := f.s.AddInboxItem(f.ctx, it); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	theirs := f.inboxItem(other, parley.InboxReply, 0)
	if _, err := f.s.AddInboxItem(f.ctx, theirs); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.MarkInboxRead(f.ctx, f.user.ID, []string{ids[0], ids[1], theirs.ID, "nonexistent"})
	if err != nil || n != 2 {
		t.Errorf("MarkInboxRead(two of mine, one of theirs) = %d, %v; want 2", n, err)
	}
	if n, _ := f.s.MarkInboxRead(f.ctx, f.user.ID, []string{ids[0]}); n != 0 {
		t.Errorf("MarkInboxRead of a read item = %d, want 0", n)
	}
	if u := f.unread(f.user); u != 2 {
		t.Errorf("unread = %d, want 2", u)
	}
	if u := f.unread(other); u != 1 {
		t.Errorf("the other reader's unread = %d, want 1 (mine did not mark theirs)", u)
	}
	if n, err := f.s.MarkInboxRead(f.ctx, f.user.ID, nil); err != nil || n != 2 {
		t.Errorf("MarkInboxRead(all) = %d, %v; want 2", n, err)
	}
	for _, it := range f.inbox(f.user, "", 10) {
		if !it.Read {
			t.Errorf("item %s is unread after marking all", it.ID)
		}
	}
	if u := f.unread(f.user); u != 0 {
		t.Errorf("unread after marking all = %d, want 0", u)
	}
}
