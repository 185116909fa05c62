package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"parley/internal/metrics"
)

// BenchmarkCachedPage1Metrics is BenchmarkCachedPage1 with metrics on
// (--metrics-addr): the difference is what timing a request by route costs
// the hottest path.
func BenchmarkCachedPage1Metrics(b *testing.B) {
	ctx := b.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlerConfig{PublicURL: "http://127.0.0.1:8080", Demo: true, Metrics: metrics.New()})
	if err != nil {
		b.Fatal(err)
	}
	defer closeLive()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/sites/demo/stories/demo-article/comments", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	for b.Loop() {
		w := discard{h: http.Header{}}
		h.ServeHTTP(&w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}
