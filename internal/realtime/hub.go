// Package realtime fans a story's changes out to the readers who watch it.
//
// The database is the source of truth: every change readers can see is
// appended to the story's event log in the same transaction as the change.
// A notification (from this process, or later from other instances over a
// bus) only wakes the story's hub, which reads the new events once, renders
// each once, and hands the bytes to every subscriber. A lost notification
// delays an event by at most the poll interval; it never loses it.
package realtime

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"parley"
)

// Source is the event log the hub reads.
type Source interface {
	Events(ctx context.Context, siteID, storyID string, afterID int64, since time.Time, limit int) ([]parley.StoredEvent, error)
	LastEventID(ctx context.Context, siteID, storyID string) (int64, error)
}

// Message is one rendered event, ready to be written to every reader.
type Message struct {
	ID    int64
	Event string // SSE event name
	Data  []byte // JSON
}

// Render turns a stored event into the message readers get. ok is false
// for events readers must not see (a comment awaiting moderation).
type Render func(ctx context.Context, ev parley.StoredEvent) (m Message, ok bool, err error)

const (
	// overlap is how far back each read looks again: PostgreSQL hands out
	// event IDs before commit, so a lower ID can appear after a higher one.
	// Events are idempotent, and the hub drops the ones it has sent.
	overlap = 5 * time.Second
	// pollInterval wakes every active story now and then, in case a
	// notification was lost.
	pollInterval = 5 * time.Second
	batchLimit   = 500
	// subscriberBuffer is how far a reader may fall behind before the hub
	// drops them; the browser reconnects and replays from its last ID.
	subscriberBuffer = 256
)

// Hub keeps one goroutine per story that has readers. Create it with New.
type Hub struct {
	src    Source
	render Render
	log    *slog.Logger

	mu      sync.Mutex
	stories map[string]*story
	closed  bool
	done    chan struct{} // closed by Close: streams say goodbye
}

// New returns a hub over the event log src.
func New(src Source, render Render, log *slog.Logger) *Hub {
	return &Hub{src: src, render: render, log: log, stories: make(map[string]*story), done: make(chan struct{})}
}

// Done is closed when the hub shuts down.
func (h *Hub) Done() <-chan struct{} { return h.done }

// Notify wakes the hub of a story that has changed. It never blocks.
func (h *Hub) Notify(siteID, storyID string) {
	h.mu.Lock()
	st := h.stories[key(siteID, storyID)]
	h.mu.Unlock()
	if st != nil {
		st.wakeUp()
	}
}

// Subscribe registers a reader of a story. The caller must call
// Unsubscribe when the reader leaves. Every event committed after
// Subscribe returns reaches the reader live; older ones are the reader's
// to replay from the log.
func (h *Hub) Subscribe(ctx context.Context, siteID, storyID string) (*Subscriber, error) {
	// Read the log before taking the lock: Notify takes it after every
	// write, and must not wait for a database round trip.
	last, err := h.src.LastEventID(ctx, siteID, storyID)
	if err != nil {
		return nil, fmt.Errorf("last event of %s/%s: %w", siteID, storyID, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "The server is shutting down.")
	}
	k := key(siteID, storyID)
	st := h.stories[k]
	if st == nil {
		st = newStory(h, siteID, storyID, last)
		h.stories[k] = st
		go st.run()
	}
	sub := &Subscriber{C: make(chan Message, subscriberBuffer), gone: make(chan struct{}), st: st}
	st.add(sub)
	return sub, nil
}

// Unsubscribe removes a reader; the story's goroutine ends with its last.
func (h *Hub) Unsubscribe(sub *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := sub.st
	k := key(st.siteID, st.storyID)
	if st.remove(sub) == 0 && h.stories[k] == st {
		delete(h.stories, k)
		st.stop()
	}
}

// Close ends every story goroutine and tells streams to say goodbye.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	for k, st := range h.stories {
		st.stop()
		delete(h.stories, k)
	}
}

// Subscriber is one reader's feed. C carries the rendered events; gone is
// closed when the hub dropped the reader for falling behind.
type Subscriber struct {
	C    chan Message
	gone chan struct{}
	st   *story
}

// Gone is closed when the reader fell too far behind and was dropped.
func (s *Subscriber) Gone() <-chan struct{} { return s.gone }

func key(siteID, storyID string) string { return siteID + "/" + storyID }
