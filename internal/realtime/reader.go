package realtime

import (
	"context"
	"time"

	"parley"
)

const (
	// holeWait is how long the reader asks again for an ID it has not
	// seen below one it has. PostgreSQL hands out IDs before commit, so a
	// transaction that took a lower ID can commit after one that took a
	// higher; a hole that stays longer was a rollback. Measured on our
	// clock: it times how long we wait, not when anything happened.
	holeWait = 10 * time.Second
	// maxHoles bounds the holes the reader remembers; a larger jump (a
	// sequence that skipped ahead after a crash) keeps its highest IDs.
	maxHoles = 256
	// lookBack is how many IDs before the newest the reader reads on
	// start, so that the holes among them are known too.
	lookBack = 256
	// renderTries is how often the reader tries to render an event before
	// it gives up on it, so that one bad event cannot stop every story.
	renderTries = 3
)

// reader follows the whole log for a hub: one query per wake or poll for
// every watched story, whatever their number. A bus between instances
// only needs to wake it (wakeUp); reading the log stays the way events
// arrive, so an instance that misses the bus still delivers within the
// poll interval. Its fields other than wake and quit are owned by its
// goroutine.
type reader struct {
	hub  *Hub
	wake chan struct{}
	quit chan struct{}

	cursor logCursor     // where in the log, and the holes below it
	failed map[int64]int // failed renders of an event
}

// startReader starts a reader at the log's newest event ID.
func startReader(h *Hub, newest int64) *reader {
	r := &reader{hub: h, wake: make(chan struct{}, 1), quit: make(chan struct{}),
		cursor: logCursor{last: max(0, newest-lookBack), holes: make(map[int64]time.Time)}, failed: make(map[int64]int)}
	go r.run()
	return r
}

// wakeUp asks for a read; wakes while one is due are one read.
func (r *reader) wakeUp() {
	select {
	case r.wake <- struct{}{}:
	default: // a read is already due
	}
}

func (r *reader) stop() { close(r.quit) }

// run reads the log whenever woken or polled, until stopped.
func (r *reader) run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-r.quit
		cancel()
	}()
	tick := time.NewTicker(r.hub.poll)
	defer tick.Stop()
	for {
		if r.read(ctx) {
			r.wakeUp() // more to read
		}
		select {
		case <-r.quit:
			return
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// read fetches the events after the last one read and the holes still
// awaited, and hands each to its story's hub. An event that fails to render
// stops the batch there, to be tried again on the next read. It reports
// whether a full batch came back.
func (r *reader) read(ctx context.Context) (more bool) {
	now := time.Now()
	events, err := r.hub.src.LogEvents(ctx, r.cursor.last, r.cursor.awaited(now), batchLimit)
	if err != nil {
		if ctx.Err() == nil {
			r.hub.log.WarnContext(ctx, "read the event log", "err", err)
		}
		return false
	}
	stories := r.hub.watched(r, events)
	for _, ev := range events {
		late := ev.ID <= r.cursor.last
		if st := stories[key(ev.SiteID, ev.StoryID)]; st != nil && (late || ev.ID > st.floor) {
			if !r.deliver(ctx, st, ev) {
				return false
			}
		}
		r.cursor.advance(ev.ID, now)
	}
	return len(events) == batchLimit
}

// deliver renders ev and broadcasts it to the story's readers. It reports
// false when rendering failed and the event is to be tried again.
func (r *reader) deliver(ctx context.Context, st *story, ev parley.StoredEvent) bool {
	m, ok, err := r.hub.render(ctx, ev)
	if err != nil {
		r.failed[ev.ID]++
		if r.failed[ev.ID] < renderTries {
			r.hub.log.WarnContext(ctx, "render event", "id", ev.ID, "err", err)
			return false
		}
		r.hub.log.ErrorContext(ctx, "render event: giving up", "id", ev.ID, "tries", renderTries, "err", err)
	}
	delete(r.failed, ev.ID)
	if err == nil && ok {
		st.broadcast(m.framed())
	}
	return true
}
