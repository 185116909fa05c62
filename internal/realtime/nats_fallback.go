package realtime

import (
	"context"
	"sync/atomic"
	"time"

	"parley"
)

// fallback reads the event log while NATS is unreachable and publishes
// what it finds to this instance's subscribers, so that live readers get
// other instances' comments within a poll, and page caches and counts
// forget what changed. It reads the whole log in one query per poll, as
// the hub's reader does, whatever the number of stories. Events of this
// instance come again this way; subscribers take an event twice in their
// stride. Kinds that are not in the log (sites, queues, users) cannot be
// followed: the EventMissed on the way in and out makes them resync.
type fallback struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// startFallback starts the log's reader unless it runs or NATS is up; c
// is where it starts, or nil for the log's end when it gets there.
func (b *NATSBus) startFallback(c *logCursor) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fall != nil || b.events == nil || (b.nc != nil && b.nc.IsConnected()) {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fallback{cancel: cancel, done: make(chan struct{})}
	b.fall = f
	b.stats.fallback.Store(true)
	go func() {
		defer close(f.done)
		b.follow(ctx, c)
	}()
}

// stopFallback stops the log's reader and waits for it, so that nothing
// it read arrives after what comes over NATS again.
func (b *NATSBus) stopFallback() {
	b.mu.Lock()
	f := b.fall
	b.fall = nil
	b.mu.Unlock()
	if f != nil {
		f.cancel()
		<-f.done
		b.stats.fallback.Store(false)
	}
}

// follow reads the log from c, or from its newest event, until ctx ends.
// Without c it learns where the log ends before it tells subscribers to
// resync, so that an event committed in between is either before their
// resync or read here; with c, no one has missed anything.
func (b *NATSBus) follow(ctx context.Context, c *logCursor) {
	missed := c != nil
	tick := time.NewTicker(b.poll)
	defer tick.Stop()
	for {
		if c == nil {
			var err error
			if c, err = b.logEnd(ctx); err != nil && ctx.Err() == nil {
				b.log.WarnContext(ctx, "nats fallback: the newest event", "err", err)
			}
			if !missed {
				b.local.Publish(ctx, parley.Event{Type: parley.EventMissed})
				missed = true
			}
		} else {
			b.readLog(ctx, c)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// logEnd returns a cursor at the log's newest event.
func (b *NATSBus) logEnd(ctx context.Context) (*logCursor, error) {
	newest, err := b.events.NewestEventID(ctx)
	if err != nil {
		return nil, err
	}
	return &logCursor{last: newest, holes: map[int64]time.Time{}}, nil
}

// readLog publishes the events after c's position to the local
// subscribers, batch after batch until the log's end.
func (b *NATSBus) readLog(ctx context.Context, c *logCursor) {
	for ctx.Err() == nil {
		now := time.Now()
		events, err := b.events.LogEvents(ctx, c.last, c.awaited(now), batchLimit)
		if err != nil {
			if ctx.Err() == nil {
				b.log.WarnContext(ctx, "nats fallback: read the event log", "err", err)
			}
			return
		}
		for _, ev := range events {
			if ctx.Err() != nil {
				return // NATS is back: its Missed resyncs whatever is left
			}
			c.advance(ev.ID, now)
			b.local.Publish(ctx, parley.Event{Type: ev.Type, SiteID: ev.SiteID, StoryID: ev.StoryID, CommentID: ev.CommentID})
			b.stats.logged.Add(1)
		}
		if len(events) < batchLimit {
			return
		}
	}
}

// NATSStats is what the bus has done since it started, for metrics.
type NATSStats struct {
	Connected bool // to NATS now
	Fallback  bool // reading the event log now, NATS being unreachable
	// EventsOut were sent to the other instances; EventsFailed were not
	// (NATS unreachable, or the send queue full).
	EventsOut, EventsFailed uint64
	// EventsIn came from other instances over NATS; EventsLogged were
	// read from the log while NATS was unreachable; Dropped were
	// messages that were not ours or were lost by a slow consumer.
	EventsIn, EventsLogged, Dropped uint64
	// LastLag is receive time minus send time of the last event in, on
	// the two instances' clocks.
	LastLag time.Duration
}

type natsCounters struct {
	connected, fallback              atomic.Bool
	out, failed, in, logged, dropped atomic.Uint64
	lag                              atomic.Int64
}

// Stats returns the bus's counters.
func (b *NATSBus) Stats() NATSStats {
	s := &b.stats
	return NATSStats{Connected: s.connected.Load(), Fallback: s.fallback.Load(),
		EventsOut: s.out.Load(), EventsFailed: s.failed.Load(), EventsIn: s.in.Load(), EventsLogged: s.logged.Load(),
		Dropped: s.dropped.Load(), LastLag: time.Duration(s.lag.Load())}
}
