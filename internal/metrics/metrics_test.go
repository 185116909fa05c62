package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parley"
)

// fakeBacklog counts its reads and fails while err is set.
type fakeBacklog struct {
	reads atomic.Int32
	err   error
	b     parley.Backlog
}

func (f *fakeBacklog) Backlog(ctx context.Context, limit int) (*parley.Backlog, error) {
	f.reads.Add(1)
	if limit != backlogLimit {
		return nil, errors.New("unexpected limit")
	}
	if f.err != nil {
		return nil, f.err
	}
	b := f.b
	return &b, nil
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 200 {
		t.Fatalf("scrape: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

// TestScrape: every metric Parley promises is on the registry with the
// values its sources gave, the route of a request is its pattern, and the
// runtime and process collectors are there.
func TestScrape(t *testing.T) {
	m := New()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	fb := &fakeBacklog{b: parley.Backlog{
		Outbox: []parley.OutboxBacklog{{Kind: parley.OutboxMail, Depth: 3, Oldest: now.Add(-90 * time.Second)}, {Kind: parley.OutboxWebhook}},
		Sites:  []parley.SiteBacklog{{SiteID: "news", Pending: 4, Reported: 2, Notices: 1}},
	}}
	must(t, m.WatchBacklog(fb, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now }))
	must(t, m.WatchPages(func() CacheStats { return CacheStats{Hits: 7, Misses: 2, Evictions: 1, Bytes: 4096, Budget: 1 << 20} }))
	must(t, m.WatchBus(InProcessBus))
	must(t, m.WatchPools(func() []PoolStats {
		return []PoolStats{{Name: "read", Open: 2, InUse: 1, Idle: 1, Max: 8, Waits: 5, WaitTime: time.Second}}
	}))
	m.ObserveRoute("POST /api/v1/sites/{site}/stories/{story}/comments", 201, 3*time.Millisecond)
	m.ObserveRoute("", 404, time.Millisecond)
	m.StreamOpened()
	m.StreamOpened()
	m.StreamClosed()
	body := scrape(t, m)
	for _, want := range []string{
		`parley_http_request_duration_seconds_count{code="201",route="POST /api/v1/sites/{site}/stories/{story}/comments"} 1`,
		`parley_http_request_duration_seconds_count{code="404",route="unmatched"} 1`,
		`parley_pagecache_hits_total 7`, `parley_pagecache_misses_total 2`, `parley_pagecache_evictions_total 1`,
		`parley_pagecache_bytes 4096`, `parley_pagecache_budget_bytes 1.048576e+06`,
		`parley_live_readers 1`, `parley_live_streams_opened_total 2`, `parley_live_streams_closed_total 1`,
		`parley_bus_lag_seconds 0`, `parley_bus_connected 1`,
		`parley_outbox_depth{kind="mail"} 3`, `parley_outbox_oldest_age_seconds{kind="mail"} 90`,
		`parley_outbox_depth{kind="webhook"} 0`, `parley_outbox_oldest_age_seconds{kind="webhook"} 0`,
		`parley_moderation_queue_depth{queue="pending",site="news"} 4`,
		`parley_moderation_queue_depth{queue="reported",site="news"} 2`,
		`parley_moderation_queue_depth{queue="notices",site="news"} 1`,
		`parley_backlog_up 1`,
		`parley_db_connections_open{pool="read"} 2`, `parley_db_connections_in_use{pool="read"} 1`,
		`parley_db_connections_max{pool="read"} 8`, `parley_db_connection_waits_total{pool="read"} 5`,
		`parley_db_connection_wait_seconds_total{pool="read"} 1`,
		`go_goroutines `, `process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// TestBacklogCached: scrapes within the TTL read the store once; a failed
// read says parley_backlog_up 0, and is not retried by every scrape.
func TestBacklogCached(t *testing.T) {
	m := New()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	fb := &fakeBacklog{}
	must(t, m.WatchBacklog(fb, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now }))
	for range 5 {
		scrape(t, m)
	}
	if n := fb.reads.Load(); n != 1 {
		t.Errorf("5 scrapes within the TTL read the backlog %d times, want 1", n)
	}
	now = now.Add(backlogTTL)
	fb.err = errors.New("database gone")
	if body := scrape(t, m); !strings.Contains(body, "parley_backlog_up 0") {
		t.Errorf("after a failed read: no parley_backlog_up 0 in\n%s", body)
	}
	scrape(t, m)
	if n := fb.reads.Load(); n != 2 {
		t.Errorf("reads = %d, want 2: the failure is remembered for the TTL", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
