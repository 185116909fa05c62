package realtime_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
)

// memLog is an event log in memory whose events become visible when the
// test says, as PostgreSQL's do when the transaction that took an ID
// commits after one that took a higher ID.
type memLog struct {
	mu      sync.Mutex
	events  []parley.StoredEvent
	visible map[int64]bool
}

func newMemLog() *memLog { return &memLog{visible: map[int64]bool{}} }

// add appends an event of story a with the next ID, visible or not yet.
func (l *memLog) add(visible bool) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := int64(len(l.events) + 1)
	l.events = append(l.events, parley.StoredEvent{ID: id, SiteID: "s", StoryID: "a", Type: parley.EventCommentCreated,
		CommentID: strconv.FormatInt(id, 10), CreatedAt: parley.Now()})
	l.visible[id] = visible
	return id
}

func (l *memLog) commit(id int64) {
	l.mu.Lock()
	l.visible[id] = true
	l.mu.Unlock()
}

func (l *memLog) LogEvents(_ context.Context, after int64, missing []int64, limit int) ([]parley.StoredEvent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []parley.StoredEvent
	for _, e := range l.events {
		if l.visible[e.ID] && (e.ID > after || slices.Contains(missing, e.ID)) && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (l *memLog) NewestEventID(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	for _, e := range l.events {
		if l.visible[e.ID] {
			n = max(n, e.ID)
		}
	}
	return n, nil
}

func (l *memLog) LastEventID(ctx context.Context, _, _ string) (int64, error) {
	return l.NewestEventID(ctx)
}

func (l *memLog) Events(context.Context, string, string, int64, time.Time, int) ([]parley.StoredEvent, error) {
	return nil, errors.New("the hub must not read a story's own log")
}

func newMemHub(t *testing.T, l *memLog, render realtime.Render) *testHub {
	t.Helper()
	if render == nil {
		render = func(_ context.Context, ev parley.StoredEvent) (realtime.Message, bool, error) {
			return realtime.Message{ID: ev.ID, Event: ev.Type, Data: []byte(ev.CommentID)}, true, nil
		}
	}
	return newTestHub(t, l, render)
}

func wantIDs(t *testing.T, sub *realtime.Subscriber, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if m := receive(t, sub); m.ID != id {
			t.Fatalf("got event %d, want %d", m.ID, id)
		}
	}
}

// TestLateCommitIsDelivered: an event whose lower ID becomes visible after
// a higher one still reaches the reader, once.
func TestLateCommitIsDelivered(t *testing.T) {
	l := newMemLog()
	old := l.add(true) // before the reader: not live
	h := newMemHub(t, l, nil)
	sub, err := h.Subscribe(context.Background(), "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Unsubscribe(sub)
	a, b, late, c := l.add(true), l.add(true), l.add(false), l.add(true)
	h.Notify("s", "a")
	wantIDs(t, sub, a, b, c)
	l.commit(late)
	h.Notify("s", "a")
	wantIDs(t, sub, late)
	d := l.add(true)
	h.Notify("s", "a")
	wantIDs(t, sub, d) // not the late one again, nor the old one
	_ = old
}

// TestRenderFailureIsRetried: an event that fails to render is tried again
// on the next read, and the events after it follow in order; one that
// always fails is given up after a few reads, so that it cannot stop the
// log for every story.
func TestRenderFailureIsRetried(t *testing.T) {
	l := newMemLog()
	var mu sync.Mutex
	fail := map[int64]int{2: 1, 4: 10}
	failed := make(chan int64, 16) // each failed render, so the test knows a read has ended
	render := func(_ context.Context, ev parley.StoredEvent) (realtime.Message, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail[ev.ID] > 0 {
			fail[ev.ID]--
			failed <- ev.ID
			return realtime.Message{}, false, errors.New("database hiccup")
		}
		return realtime.Message{ID: ev.ID, Data: []byte(ev.CommentID)}, true, nil
	}
	h := newMemHub(t, l, render)
	sub, _ := h.Subscribe(context.Background(), "s", "a")
	defer h.Unsubscribe(sub)
	for range 5 {
		l.add(true)
	}
	h.Notify("s", "a")
	wantIDs(t, sub, 1)
	if id := <-failed; id != 2 {
		t.Fatalf("failed %d, want 2", id)
	}
	h.Notify("s", "a")
	wantIDs(t, sub, 2, 3)
	for range 3 {
		if id := <-failed; id != 4 {
			t.Fatalf("failed %d, want 4", id)
		}
		h.Notify("s", "a")
	}
	wantIDs(t, sub, 5)
}
