package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// BenchmarkCachedPage1 serves the demo story's cached page 1 through the
// whole handler main builds (security headers, request deadline, routes),
// the hottest path of all; compare with the API benchmark of the same name
// in internal/httpapi for what the wrappers cost.
func BenchmarkCachedPage1(b *testing.B) {
	ctx := b.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlerConfig{PublicURL: "http://127.0.0.1:8080", Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	defer closeLive()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/sites/demo/stories/demo-article/comments", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req) // fills the cache
	b.ReportAllocs()
	for b.Loop() {
		w := discard{h: http.Header{}}
		h.ServeHTTP(&w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discard is a ResponseWriter that keeps only the status, so that the
// benchmark measures the handler rather than a recorder's buffers.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(s int)           { d.status = s }
