package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"parley"
)

const (
	// backlogTTL is how long one reading of the backlog serves scrapes: a
	// scrape storm (many Prometheus servers, a dashboard refreshing) then
	// costs the database one bounded read every few seconds at most.
	backlogTTL = 5 * time.Second
	// backlogTimeout bounds that read; a database too slow to answer in
	// time says so by parley_backlog_up 0, not by hanging the scrape.
	backlogTimeout = 2 * time.Second
	// backlogLimit caps each count: past it an operator needs no exact
	// figure to know the desk or the relay is behind.
	backlogLimit = 10000
)

// WatchBacklog reports the outbox and the moderation queues of store,
// read at scrape time at most once every few seconds. now is the clock of
// the cache and the ages (nil: the wall clock).
func (m *Metrics) WatchBacklog(store parley.BacklogReader, log *slog.Logger, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	return m.reg.Register(&backlog{store: store, log: log, now: now})
}

// backlog is the collector of WatchBacklog. Concurrent scrapes wait for
// the one read under way rather than each starting their own.
type backlog struct {
	store parley.BacklogReader
	log   *slog.Logger
	now   func() time.Time

	mu   sync.Mutex
	read time.Time
	last *parley.Backlog // nil after a failed read
}

var (
	outboxDepth = desc("parley_outbox_depth", "Messages not yet delivered (counted up to 10000), by kind: mail, webhook.", "kind")
	outboxAge   = desc("parley_outbox_oldest_age_seconds", "Age of the oldest message not yet delivered; 0 when none waits.", "kind")
	queueDepth  = desc("parley_moderation_queue_depth", "Items waiting for moderators (counted up to 10000), by site and queue: pending, reported, notices.", "site", "queue")
	backlogUp   = desc("parley_backlog_up", "1 if the last read of the outbox and queue depths succeeded.")
)

func (b *backlog) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{outboxDepth, outboxAge, queueDepth, backlogUp} {
		ch <- d
	}
}

func (b *backlog) Collect(ch chan<- prometheus.Metric) {
	bl, now := b.current()
	if bl == nil {
		ch <- prometheus.MustNewConstMetric(backlogUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(backlogUp, prometheus.GaugeValue, 1)
	for _, o := range bl.Outbox {
		age := 0.0
		if !o.Oldest.IsZero() {
			age = max(0, now.Sub(o.Oldest).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(o.Depth), o.Kind)
		ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, age, o.Kind)
	}
	for _, s := range bl.Sites {
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(s.Pending), s.SiteID, parley.QueuePending)
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(s.Reported), s.SiteID, parley.QueueReported)
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(s.Notices), s.SiteID, "notices")
	}
}

// current returns the backlog read within backlogTTL, reading it anew
// when it is older, and the time to measure ages against. A failed read
// is remembered for the TTL too: a database in trouble is not asked again
// by every scrape.
func (b *backlog) current() (*parley.Backlog, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if !b.read.IsZero() && now.Sub(b.read) < backlogTTL {
		return b.last, now
	}
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	bl, err := b.store.Backlog(ctx, backlogLimit)
	if err != nil {
		b.log.WarnContext(ctx, "metrics: reading the backlog", "err", err)
		bl = nil
	}
	b.read, b.last = now, bl
	return bl, now
}
