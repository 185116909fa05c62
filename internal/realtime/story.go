package realtime

import (
	"context"
	"sync"
	"time"
)

// story is the hub of one story: it reads new events and fans them out.
type story struct {
	hub             *Hub
	siteID, storyID string

	wake chan struct{}
	quit chan struct{}

	mu   sync.Mutex
	subs map[*Subscriber]struct{}

	// Owned by run: the last event ID when the hub started (older events
	// are the readers' to replay), the last event ID read, and the IDs sent
	// recently, to drop the events an overlapping read returns again.
	floor  int64
	last   int64
	newest time.Time // the latest CreatedAt read, on the log's own clock
	sent   map[int64]time.Time
}

func newStory(h *Hub, siteID, storyID string, last int64) *story {
	return &story{
		hub: h, siteID: siteID, storyID: storyID, floor: last, last: last,
		wake: make(chan struct{}, 1), quit: make(chan struct{}),
		subs: make(map[*Subscriber]struct{}), sent: make(map[int64]time.Time),
	}
}

func (st *story) wakeUp() {
	select {
	case st.wake <- struct{}{}:
	default: // a read is already due
	}
}

func (st *story) stop() { close(st.quit) }

func (st *story) add(sub *Subscriber) {
	st.mu.Lock()
	st.subs[sub] = struct{}{}
	st.mu.Unlock()
}

func (st *story) remove(sub *Subscriber) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.subs, sub)
	return len(st.subs)
}

// run reads the log whenever woken or polled, until stopped. It starts
// after the story's last event when the first reader came: what came
// before, readers replay from the log themselves with their last event ID.
func (st *story) run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-st.quit
		cancel()
	}()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		st.read(ctx)
		select {
		case <-st.quit:
			return
		case <-st.wake:
		case <-tick.C:
		}
	}
}

// read fetches the events after the last one read, plus an overlap
// measured on the log's clock (not ours: in PostgreSQL the database sets
// CreatedAt), and fans out the ones not sent yet. An event that fails to
// render stops the batch there, to be tried again on the next read.
func (st *story) read(ctx context.Context) {
	var since time.Time // no overlap before anything was read
	if !st.newest.IsZero() {
		since = st.newest.Add(-overlap)
	}
	events, err := st.hub.src.Events(ctx, st.siteID, st.storyID, st.last, since, batchLimit)
	if err != nil {
		if ctx.Err() == nil {
			st.hub.log.WarnContext(ctx, "read story events", "site", st.siteID, "story", st.storyID, "err", err)
		}
		return
	}
	now := time.Now()
	for _, ev := range events {
		if _, dup := st.sent[ev.ID]; dup || ev.ID <= st.floor {
			continue
		}
		m, ok, err := st.hub.render(ctx, ev)
		if err != nil {
			st.hub.log.WarnContext(ctx, "render event", "id", ev.ID, "err", err)
			return
		}
		st.sent[ev.ID] = now
		st.last = max(st.last, ev.ID)
		if ev.CreatedAt.After(st.newest) {
			st.newest = ev.CreatedAt
		}
		if ok {
			st.broadcast(m)
		}
	}
	for id, at := range st.sent {
		if now.Sub(at) > 2*overlap {
			delete(st.sent, id)
		}
	}
	if len(events) == batchLimit {
		st.wakeUp() // more to read
	}
}

// broadcast hands m to every reader; a reader whose buffer is full is
// dropped rather than slowing the others.
func (st *story) broadcast(m Message) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for sub := range st.subs {
		select {
		case sub.C <- m:
		default:
			delete(st.subs, sub)
			close(sub.gone)
		}
	}
}
