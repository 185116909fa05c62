package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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

// BenchmarkPost posts anonymous comments in parallel through the whole
// handler main builds, each a new top-level comment on the demo story:
// the write path that bench/'s writers measure from outside, here with a
// profile at hand (go test -bench Post -cpuprofile).
func BenchmarkPost(b *testing.B) {
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
	const body = `{"body":"Ein Kommentar, wie er jeden Tag geschrieben wird: *kurz* und mit einem [Link](https://example.org).","author":{"name":"Lena"}}`
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/sites/demo/stories/demo-article/comments", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := discard{h: http.Header{}}
			h.ServeHTTP(&w, req)
			if w.status != http.StatusCreated {
				b.Errorf("status %d", w.status)
				return
			}
		}
	})
}
