// Package realtime fans the stories' changes out to the readers who watch
// them.
//
// The database is the source of truth: every change readers can see is
// appended to the event log in the same transaction as the change. One
// reader per process follows the whole log, every site and story at once,
// and hands each event to the hub of its story if anyone watches it; the
// story's hub renders it once and gives the bytes to every subscriber. An
// event on the bus (from this process, or later from other instances) only
// wakes that reader, and wakes that come while it reads are coalesced into
// one more read. A lost notification delays an event by at
// most the poll interval; it never loses it. The cost of idle readers is
// one query per poll interval, however many stories they watch.
//
// The package also holds the in-process parley.Bus (Bus) that carries the
// service's events to the hub, the page cache and the allowed origins, and
// the rendering of events into what a reader's stream gets (Renderer).
package realtime

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"parley"
)

// Source is the event log the hub reads: all of it live, and one story's
// for a reader who reconnects (Replay).
type Source interface {
	LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]parley.StoredEvent, error)
	NewestEventID(ctx context.Context) (int64, error)
	LastEventID(ctx context.Context, siteID, storyID string) (int64, error)
	Events(ctx context.Context, siteID, storyID string, afterID int64, since time.Time, limit int) ([]parley.StoredEvent, error)
}

// Message is one rendered event, ready to be written to every reader.
type Message struct {
	ID    int64
	Event string // SSE event name
	Data  []byte // JSON
	sse   []byte // the whole frame, encoded once for every reader (framed)
}

// SSE returns the message as a server-sent event frame. A message the hub
// broadcasts carries its frame, encoded once: a story with 1,000 readers
// would otherwise format the same bytes 1,000 times.
func (m Message) SSE() []byte {
	if m.sse != nil {
		return m.sse
	}
	return m.framed().sse
}

// framed returns m with its frame encoded. Data is compact JSON, which
// holds no newline, so it fits on one data line.
func (m Message) framed() Message {
	b := make([]byte, 0, len("id: \nevent: \ndata: \n\n")+20+len(m.Event)+len(m.Data))
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, m.ID, 10)
	b = append(b, "\nevent: "...)
	b = append(b, m.Event...)
	b = append(b, "\ndata: "...)
	b = append(b, m.Data...)
	m.sse = append(b, "\n\n"...)
	return m
}

// Render turns a stored event into the message readers get. ok is false
// for events readers must not see (a comment awaiting moderation).
type Render func(ctx context.Context, ev parley.StoredEvent) (m Message, ok bool, err error)

const (
	// defaultPoll wakes the reader now and then, in case an event was
	// lost on the bus or committed on an instance the bus does not reach.
	defaultPoll = 5 * time.Second
	batchLimit  = 500
	// subscriberBuffer is how far a reader may fall behind before the hub
	// drops them; the browser reconnects and replays from its last ID.
	// Every idle reader holds a buffer this long: at 256 messages it was
	// 13.7 kB of heap per reader, the largest part of a live stream's
	// heap (profile with 10,000 readers: 137 MB of 299).
	// A reader that keeps up drains it at once; 32 events of one story
	// queued behind a slow connection is a reader to replay, not to wait
	// for.
	subscriberBuffer = 32
)

// Hub keeps one reader of the log while anyone watches, and one story hub
// per watched story. Create it with New.
type Hub struct {
	src    Source
	render Render
	log    *slog.Logger
	poll   time.Duration
	unsub  func() // from the bus

	mu      sync.Mutex
	stories map[string]*story
	reader  *reader // nil while no one watches
	closed  bool
	done    chan struct{} // closed by Close: streams say goodbye

	streams sync.WaitGroup // streams that outlive their handler (Track)
}

// Option configures a Hub.
type Option func(*Hub)

// WithPollInterval sets how often the reader reads the log unbidden. Tests
// that must show the bus alone delivers set it beyond their own length.
func WithPollInterval(d time.Duration) Option { return func(h *Hub) { h.poll = d } }

// New returns a hub over the event log src, woken by the story events on
// bus. Close it to stop listening.
func New(src Source, render Render, bus parley.Bus, log *slog.Logger, opts ...Option) (*Hub, error) {
	h := &Hub{src: src, render: render, log: log, poll: defaultPoll, stories: make(map[string]*story), done: make(chan struct{})}
	for _, opt := range opts {
		opt(h)
	}
	unsub, err := bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, h.onEvent)
	if err != nil {
		return nil, fmt.Errorf("subscribe the hub: %w", err)
	}
	h.unsub = unsub
	return h, nil
}

// Done is closed when the hub shuts down.
func (h *Hub) Done() <-chan struct{} { return h.done }

// onEvent is the hub's bus handler. It never blocks, and wakes the
// reader only if someone watches the event's story: the others' events
// matter to no one here. A lost event might be anyone's.
func (h *Hub) onEvent(ev parley.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reader != nil && (ev.Type == parley.EventMissed || h.stories[key(ev.SiteID, ev.StoryID)] != nil) {
		h.reader.wakeUp()
	}
}

// Subscribe registers a reader of a story. The caller must call
// Unsubscribe when the reader leaves. Every event committed after
// Subscribe returns reaches the reader live; older ones are the reader's
// to replay from the log.
func (h *Hub) Subscribe(ctx context.Context, siteID, storyID string) (*Subscriber, error) {
	// Read the log before taking the lock: onEvent takes it after every
	// write, and must not wait for a database round trip.
	last, err := h.src.LastEventID(ctx, siteID, storyID)
	if err != nil {
		return nil, fmt.Errorf("last event of %s/%s: %w", siteID, storyID, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.reader == nil && !h.closed {
		// The first reader starts the log's reader at the newest event.
		// The read must not hold the lock; a Subscribe meanwhile may
		// have started one.
		h.mu.Unlock()
		newest, err := h.src.NewestEventID(ctx)
		h.mu.Lock()
		if err != nil {
			return nil, fmt.Errorf("newest event: %w", err)
		}
		if h.reader == nil && !h.closed {
			h.reader = startReader(h, newest)
		}
	}
	if h.closed {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "The server is shutting down.")
	}
	k := key(siteID, storyID)
	st := h.stories[k]
	if st == nil {
		st = &story{siteID: siteID, storyID: storyID, floor: last, subs: make(map[*Subscriber]struct{})}
		h.stories[k] = st
	}
	sub := &Subscriber{C: make(chan Message, subscriberBuffer), gone: make(chan struct{}), st: st}
	st.add(sub)
	return sub, nil
}

// Unsubscribe removes a reader; the story's hub goes with its last reader,
// and the log's reader with the last story.
func (h *Hub) Unsubscribe(sub *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := sub.st
	k := key(st.siteID, st.storyID)
	if st.remove(sub) == 0 && h.stories[k] == st {
		delete(h.stories, k)
	}
	if len(h.stories) == 0 && h.reader != nil {
		h.reader.stop()
		h.reader = nil
	}
}

// watched returns the story hubs of the events' stories that someone
// watches, if r is still the hub's reader: a stopped reader hands out
// nothing, so that it cannot send what its successor sends too.
func (h *Hub) watched(r *reader, events []parley.StoredEvent) map[string]*story {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reader != r {
		return nil
	}
	out := make(map[string]*story)
	for _, ev := range events {
		k := key(ev.SiteID, ev.StoryID)
		if st := h.stories[k]; st != nil {
			out[k] = st
		}
	}
	return out
}

// Close stops the reader and tells streams to say goodbye.
func (h *Hub) Close() {
	h.unsub()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	if h.reader != nil {
		h.reader.stop()
		h.reader = nil
	}
	clear(h.stories)
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
