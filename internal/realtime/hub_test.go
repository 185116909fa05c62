package realtime_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/store/sqlite"
)

// world is a hub over a real SQLite event log with one story, counting
// the hub's reads.
type world struct {
	store *sqlite.Store
	src   *countingSource
	hub   *testHub
	n     int
}

// countingSource counts the reads of each kind the hub makes.
type countingSource struct {
	*sqlite.Store
	log, story atomic.Int64
}

func (c *countingSource) LogEvents(ctx context.Context, after int64, missing []int64, limit int) ([]parley.StoredEvent, error) {
	c.log.Add(1)
	return c.Store.LogEvents(ctx, after, missing, limit)
}

func (c *countingSource) Events(ctx context.Context, site, story string, after int64, since time.Time, limit int) ([]parley.StoredEvent, error) {
	c.story.Add(1)
	return c.Store.Events(ctx, site, story, after, since, limit)
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
	w := &world{store: store, src: &countingSource{Store: store}}
	w.hub = newTestHub(t, w.src, render)
	return w
}

// comment writes a comment on story a, which appends an event to the log.
func (w *world) comment(t *testing.T) string {
	t.Helper()
	return w.commentOn(t, "a")
}

// story adds a story to the site.
func (w *world) story(t *testing.T, id string) {
	t.Helper()
	if _, err := w.store.EnsureStory(context.Background(), &parley.Story{SiteID: "s", ID: id, Status: parley.StoryOpen, CreatedAt: parley.Now()}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) commentOn(t *testing.T, story string) string {
	t.Helper()
	w.n++
	now := parley.Now()
	c := &parley.Comment{ID: parley.NewID(now), SiteID: "s", StoryID: story, AuthorID: "u", AuthorName: "U",
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

// TestOneReaderForAllStories watches many stories: each reader gets its own
// story's event and no other, and the hub reads the whole log, never a
// story's own, so that what idle readers cost does not grow with stories.
func TestOneReaderForAllStories(t *testing.T) {
	const stories = 100
	w := newWorld(t)
	subs := make([]*realtime.Subscriber, stories)
	for i := range subs {
		id := fmt.Sprint("story-", i)
		w.story(t, id)
		sub, err := w.hub.Subscribe(context.Background(), "s", id)
		if err != nil {
			t.Fatal(err)
		}
		defer w.hub.Unsubscribe(sub)
		subs[i] = sub
	}
	want := make([]string, stories)
	for i := range subs {
		want[i] = w.commentOn(t, fmt.Sprint("story-", i))
		w.hub.Notify("s", fmt.Sprint("story-", i))
	}
	for i, sub := range subs {
		if m := receive(t, sub); string(m.Data) != want[i] {
			t.Errorf("story-%d got %s, want its comment %s", i, m.Data, want[i])
		}
	}
	for i, sub := range subs {
		select {
		case m := <-sub.C:
			t.Errorf("story-%d got a second event %s", i, m.Data)
		default:
		}
	}
	if n := w.src.story.Load(); n != 0 {
		t.Errorf("the hub read stories' own logs %d times, want 0", n)
	}
	// Each notification wakes at most one read (fewer when they coalesce),
	// plus the reader's start and polls: not one read per story per poll.
	if n := w.src.log.Load(); n < 1 || n > stories+3 {
		t.Errorf("the hub read the log %d times for %d notifications", n, stories)
	}
}

// TestSlowReaderDoesNotSlowOthers drops a reader that never reads, on one
// story, while a reader of another story gets its event.
func TestSlowReaderDoesNotSlowOthers(t *testing.T) {
	w := newWorld(t)
	w.story(t, "b")
	slow, _ := w.hub.Subscribe(context.Background(), "s", "a")
	defer w.hub.Unsubscribe(slow)
	fast, _ := w.hub.Subscribe(context.Background(), "s", "b")
	defer w.hub.Unsubscribe(fast)
	for range 300 {
		w.comment(t)
	}
	w.hub.Notify("s", "a")
	id := w.commentOn(t, "b")
	w.hub.Notify("s", "b")
	if m := receive(t, fast); string(m.Data) != id {
		t.Errorf("the other story's reader got %s, want %s", m.Data, id)
	}
	select {
	case <-slow.Gone():
	case <-time.After(10 * time.Second):
		t.Fatal("a reader that never reads was not dropped")
	}
}

// TestLateSubscriberGetsOnlyNewEvents subscribes a second reader after an
// event was sent: it gets the next event, not that one.
func TestLateSubscriberGetsOnlyNewEvents(t *testing.T) {
	w := newWorld(t)
	a, _ := w.hub.Subscribe(context.Background(), "s", "a")
	defer w.hub.Unsubscribe(a)
	first := w.comment(t)
	w.hub.Notify("s", "a")
	if m := receive(t, a); string(m.Data) != first {
		t.Fatalf("got %s, want %s", m.Data, first)
	}
	b, _ := w.hub.Subscribe(context.Background(), "s", "a")
	defer w.hub.Unsubscribe(b)
	next := w.comment(t)
	w.hub.Notify("s", "a")
	for name, sub := range map[string]*realtime.Subscriber{"first reader": a, "late reader": b} {
		if m := receive(t, sub); string(m.Data) != next {
			t.Errorf("%s got %s, want only the new %s (not %s)", name, m.Data, next, first)
		}
	}
}

// TestLastReaderLeavesAndComesBack stops the log's reader with the last
// reader and starts a new one at the newest event for the next.
func TestLastReaderLeavesAndComesBack(t *testing.T) {
	w := newWorld(t)
	a, _ := w.hub.Subscribe(context.Background(), "s", "a")
	w.hub.Unsubscribe(a)
	w.comment(t) // no one watches: not sent to the next reader
	b, err := w.hub.Subscribe(context.Background(), "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer w.hub.Unsubscribe(b)
	id := w.comment(t)
	w.hub.Notify("s", "a")
	if m := receive(t, b); string(m.Data) != id {
		t.Errorf("got %s, want %s", m.Data, id)
	}
}

// TestMissedWakesTheReader: a notice that events were lost on the bus
// makes the hub read the log, whatever story it names (none).
func TestMissedWakesTheReader(t *testing.T) {
	w := newWorld(t)
	sub, err := w.hub.Subscribe(context.Background(), "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer w.hub.Unsubscribe(sub)
	id := w.comment(t)
	w.hub.bus.Publish(context.Background(), parley.Event{Type: parley.EventMissed})
	if m := receive(t, sub); string(m.Data) != id {
		t.Errorf("got %q, want %s", m.Data, id)
	}
}
