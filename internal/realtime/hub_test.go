package realtime_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/store/sqlite"
)

// world is a hub over a real SQLite event log with one story.
type world struct {
	store *sqlite.Store
	hub   *realtime.Hub
	n     int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := parley.Now()
	if err := store.CreateSite(ctx, &parley.Site{ID: "s", EditWindow: time.Minute, MaxBodyLength: 100, Origins: []string{}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.EnsureStory(ctx, &parley.Story{SiteID: "s", ID: "a", Status: parley.StoryOpen, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	render := func(_ context.Context, ev parley.StoredEvent) (realtime.Message, bool, error) {
		return realtime.Message{ID: ev.ID, Event: ev.Type, Data: []byte(ev.CommentID)}, true, nil
	}
	w := &world{store: store, hub: realtime.New(store, render, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	t.Cleanup(w.hub.Close)
	return w
}

// comment writes a comment, which appends an event to the log.
func (w *world) comment(t *testing.T) string {
	t.Helper()
	w.n++
	now := parley.Now()
	c := &parley.Comment{ID: parley.NewID(now), SiteID: "s", StoryID: "a", AuthorID: "u", AuthorName: "U",
		Body: fmt.Sprint(w.n), HTML: "x", Status: parley.StatusApproved, CreatedAt: now}
	c.RootID = c.ID
	if err := w.store.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func receive(t *testing.T, sub *realtime.Subscriber) realtime.Message {
	t.Helper()
	select {
	case m := <-sub.C:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return realtime.Message{}
}

func TestNotifyFansOutOnce(t *testing.T) {
	w := newWorld(t)
	old := w.comment(t) // before anyone subscribed: not sent live
	a, err := w.hub.Subscribe(context.Background(), "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := w.hub.Subscribe(context.Background(), "s", "a")
	defer w.hub.Unsubscribe(a)
	defer w.hub.Unsubscribe(b)
	id := w.comment(t)
	w.hub.Notify("s", "a")
	for _, sub := range []*realtime.Subscriber{a, b} {
		m := receive(t, sub)
		if string(m.Data) != id || m.Event != parley.EventCommentCreated {
			t.Errorf("got %s %s, want the new comment %s (not %s)", m.Event, m.Data, id, old)
		}
	}
	w.hub.Notify("s", "a") // nothing new: nothing sent again
	next := w.comment(t)
	w.hub.Notify("s", "a")
	if m := receive(t, a); string(m.Data) != next {
		t.Errorf("after a second notify got %s, want %s", m.Data, next)
	}
}

func TestSlowReaderIsDropped(t *testing.T) {
	w := newWorld(t)
	slow, _ := w.hub.Subscribe(context.Background(), "s", "a")
	defer w.hub.Unsubscribe(slow)
	for range 300 { // more than a reader's buffer, never read
		w.comment(t)
	}
	w.hub.Notify("s", "a")
	select {
	case <-slow.Gone():
	case <-time.After(10 * time.Second):
		t.Fatal("a reader that never reads was not dropped")
	}
}

func TestClose(t *testing.T) {
	w := newWorld(t)
	sub, _ := w.hub.Subscribe(context.Background(), "s", "a")
	w.hub.Close()
	select {
	case <-w.hub.Done():
	default:
		t.Fatal("Done is open after Close")
	}
	w.hub.Unsubscribe(sub) // after Close: must not panic
	if _, err := w.hub.Subscribe(context.Background(), "s", "a"); parley.ErrorCode(err) != parley.EUNAVAILABLE {
		t.Errorf("Subscribe after Close: %v", err)
	}
}
