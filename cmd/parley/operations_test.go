package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOperations runs a real `parley serve` as an operator runs it, with
// JSON logs and a metrics listener: what Prometheus scrapes, and what a
// SIGTERM does to readers and writes in flight.
func TestOperations(t *testing.T) {
	bin := buildParley(t)
	t.Run("metrics", func(t *testing.T) { testMetricsScrape(t, bin) })
	t.Run("drain", func(t *testing.T) { testDrain(t, bin) })
	t.Run("connections", func(t *testing.T) { testConnectionLimit(t, bin) })
}

// testMetricsScrape: /metrics and the runtime's profiles are served on
// their own listener and not on the public one; a comment posted shows up in the latency histogram under
// its route pattern and status; a live reader, the page cache, the bus,
// the backlog and the pools are there, and so are the runtime's metrics.
// Every response carries a request ID, and every log line is JSON.
func testMetricsScrape(t *testing.T, bin string) {
	s := startFleetServer(t, bin, "--drain-delay", "0")
	if code, _, _ := mustGet(t, s.base+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the public listener: %d, want 404", code)
	}
	if code, body, h := mustGet(t, s.metrics+"/api/v1/sites/demo/counts"); code != http.StatusNotFound ||
		!strings.Contains(body, `"not_found"`) || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the metrics listener beyond /metrics: %d %s, want a JSON 404 with the security headers", code, body)
	}
	if code, body, _ := mustGet(t, s.metrics+"/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("GET /debug/pprof/ on the metrics listener: %d, want the index of the profiles", code)
	}
	if code, _, _ := mustGet(t, s.base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/ on the public listener: %d, want 404", code)
	}
	if _, err := postComment(http.DefaultClient, s.base, "Gemessen."); err != nil {
		t.Fatalf("post: %v", err)
	}
	_, _, h := mustGet(t, s.base+demoComments)
	mustGet(t, s.base+demoComments) // a cache hit
	if id := h.Get("X-Request-Id"); len(id) < 20 {
		t.Errorf("X-Request-Id = %q, want a generated ID", id)
	}
	_, opened := sseReader(t, s.base+"/api/v1/sites/demo/stories/demo-article/events")
	<-opened
	code, body, _ := mustGet(t, s.metrics+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d", code)
	}
	for _, want := range []string{
		`parley_http_request_duration_seconds_count{code="201",route="POST /api/v1/sites/{site}/stories/{story}/comments"} 1`,
		`parley_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/sites/{site}/stories/{story}/comments",le="+Inf"} 2`,
		"parley_live_readers 1", "parley_live_streams_opened_total 1", "parley_live_streams_closed_total 0",
		"parley_pagecache_hits_total ", "parley_pagecache_misses_total ", "parley_pagecache_evictions_total ",
		"parley_pagecache_bytes ", "parley_pagecache_budget_bytes ",
		"parley_bus_lag_seconds 0", "parley_bus_connected 1",
		`parley_outbox_depth{kind="mail"} 0`, `parley_outbox_oldest_age_seconds{kind="webhook"} 0`,
		`parley_moderation_queue_depth{queue="pending",site="demo"} `, `parley_moderation_queue_depth{queue="notices",site="demo"} 0`,
		"parley_backlog_up 1",
		`parley_db_connections_open{pool="read"} `, `parley_db_connections_in_use{pool="write"} `,
		"parley_connections_open ", "parley_connections_max ", `parley_connections_refused_total{reason="address"} 0`,
		"parley_connections_dropped_total 0",
		"go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_cpu_seconds_total ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
	if strings.Contains(body, "demo-article") {
		t.Errorf("a raw path made it into a label")
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	if strings.Contains(s.log.String(), `"msg":"NOT JSON"`) {
		t.Errorf("a log line is not JSON:\n%s", s.log)
	}
}

// testDrain: SIGTERM with a slow write in flight and a live reader open.
// Readiness goes 503 first while the reader is still connected; the
// reader then gets bye with a time to come back; the write, whose body is
// only finished after that, is still committed and answered 201; the
// process exits 0, and its log tells the steps in that order.
func testDrain(t *testing.T, bin string) {
	s := startFleetServer(t, bin, "--drain-delay", "3s", "--shutdown-timeout", "30s")
	events, opened := sseReader(t, s.base+"/api/v1/sites/demo/stories/demo-article/events")
	<-opened
	if code, _, _ := mustGet(t, s.base+"/readyz"); code != 200 {
		t.Fatalf("readyz before SIGTERM: %d", code)
	}
	finish := slowPost(t, s.base, `{"body":"Noch unterwegs, als der Server gehen sollte.","author":{"name":"Rita"}}`)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.log.wait(t, "draining: readiness fails", s.done)
	resp, err := http.Get(s.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	code, body, h := resp.StatusCode, string(b), resp.Header
	if !resp.Close {
		t.Errorf("a response while draining keeps its connection alive")
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"draining"`) || h.Get("Retry-After") == "" {
		t.Errorf("readyz while draining: %d %s, want 503 draining with Retry-After", code, body)
	}
	select {
	case ev := <-events:
		t.Errorf("the reader got %q while readiness was only just failing; bye must wait for the drain delay", ev)
	default:
	}
	var bye []string
	for ev := range events {
		bye = append(bye, ev)
		if strings.HasPrefix(ev, "data ") {
			break
		}
	}
	if len(bye) != 2 || bye[0] != "bye" {
		t.Fatalf("the reader got %q, want bye and its data", bye)
	}
	var data struct {
		Reason     string `json:"reason"`
		RetryAfter int    `json:"retryAfter"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(bye[1], "data ")), &data); err != nil || data.Reason != "shutdown" || data.RetryAfter <= 0 {
		t.Errorf("bye data %q (%v), want reason shutdown and a retry time", bye[1], err)
	}
	if code := finish(); code != http.StatusCreated {
		t.Errorf("the write in flight was answered %d, want 201", code)
	}
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		t.Fatalf("parley did not exit after the drain:\n%s", s.log)
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0:\n%s", code, s.log)
	}
	pos := s.log.order("draining: readiness fails", "shutting down: closing live streams, finishing requests", "requests finished")
	if pos[0] < 0 || pos[1] <= pos[0] || pos[2] <= pos[1] {
		t.Errorf("log steps at %v, want draining, shutting down, requests finished in order:\n%s", pos, s.log)
	}
}
