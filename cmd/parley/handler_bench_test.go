package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/internal/embed"
)

// BenchmarkCachedPage1 serves the demo story's cached page 1 through the
// whole handler main builds (security headers, request deadline, routes),
// the hottest path of all; compare with the API benchmark of the same name
// in internal/httpapi for what the wrappers cost.
func BenchmarkCachedPage1(b *testing.B) { benchCachedPage1(b, handlerConfig{}) }

// demoPage1 is page 1 of the demo story, the request the page-1
// benchmarks serve.
const demoPage1 = "/api/v1/sites/demo/stories/demo-article/comments"

// demoHandler is the whole handler main builds over a fresh SQLite file
// with the demo site, configured by hc (its PublicURL and Demo are set
// here), with page 1 of the demo story already cached. It returns that
// request too.
func demoHandler(b *testing.B, hc handlerConfig) (http.Handler, *http.Request) {
	b.Helper()
	ctx := b.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	hc.PublicURL, hc.Demo = "http://127.0.0.1:8080", true
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)), hc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(closeLive) // before the store closes: cleanups run last first
	req := httptest.NewRequest(http.MethodGet, demoPage1, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req) // fills the cache
	return h, req
}

// benchCachedPage1 serves the cached page 1 of demoHandler(hc) in a loop.
func benchCachedPage1(b *testing.B, hc handlerConfig) {
	h, req := demoHandler(b, hc)
	b.ReportAllocs()
	for b.Loop() {
		w := discard{h: http.Header{}}
		h.ServeHTTP(&w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discard is a ResponseWriter that keeps only the status and, but for a
// 200, the first few KiB of the body (a refusal, a commenter token), so
// that the benchmark measures the handler rather than a recorder's buffers.
type discard struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (d *discard) Header() http.Header { return d.h }
func (d *discard) Write(p []byte) (int, error) {
	if d.status != http.StatusOK && d.body.Len() < 4096 {
		d.body.Write(p[:min(len(p), 4096)])
	}
	return len(p), nil
}
func (d *discard) WriteHeader(s int) { d.status = s }

// BenchmarkPost posts anonymous comments in parallel through the whole
// handler main builds, each a new top-level comment on the demo story:
// the write path that bench/'s writers measure from outside, here with a
// profile at hand (go test -bench Post -cpuprofile). The demo site's
// posting limit is on but too high to refuse, so that the buckets' cost
// (every post from one address) is measured with the write.
func BenchmarkPost(b *testing.B) {
	h := postBenchHandler(b, benchRateLimit)
	const body = `{"body":"Ein Kommentar, wie er jeden Tag geschrieben wird: *kurz* und mit einem [Link](https://example.org).","author":{"name":"Lena"}}`
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := benchPost(h, body, ""); w.status != http.StatusCreated {
				b.Errorf("status %d", w.status)
				return
			}
		}
	})
}

// BenchmarkPostRepeat posts as returning commenters, each poster with its
// commenter token and a new text each time: what the duplicate check
// costs, a read of the author's last 20 comments, all within its window.
// /off is the same with the site's limit off, which skips both the
// buckets and that read.
func BenchmarkPostRepeat(b *testing.B) {
	for _, tc := range []struct {
		name  string
		limit parley.RateLimit
	}{{"on", benchRateLimit}, {"off", parley.RateLimit{Off: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			h := postBenchHandler(b, tc.limit)
			var posters atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				poster := strconv.FormatInt(posters.Add(1), 10)
				w := benchPost(h, `{"body":"Hallo","author":{"name":"Lena `+poster+`"}}`, "")
				var out struct {
					Token string `json:"commenterToken"`
				}
				if json.Unmarshal(w.body.Bytes(), &out); out.Token == "" {
					b.Errorf("first post: %d %s", w.status, w.body.String())
					return
				}
				for i := 0; pb.Next(); i++ {
					body := `{"body":"Ein Kommentar, wie er jeden Tag geschrieben wird, Nummer ` + strconv.Itoa(i) + `."}`
					if w := benchPost(h, body, out.Token); w.status != http.StatusCreated {
						b.Errorf("status %d %s", w.status, w.body.String())
						return
					}
				}
			})
		})
	}
}

// benchRateLimit is a posting limit no benchmark reaches.
var benchRateLimit = parley.RateLimit{Posts: 1_000_000, Per: time.Second}

// postBenchHandler returns main's handler over a fresh SQLite file whose
// demo site has the posting limit limit.
func postBenchHandler(b *testing.B, limit parley.RateLimit) http.Handler {
	ctx := b.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	demo := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, RateLimit: limit, CreatedAt: parley.Now()}
	if err := store.CreateSite(ctx, demo); err != nil {
		b.Fatal(err)
	}
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlerConfig{PublicURL: "http://127.0.0.1:8080", Demo: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(closeLive)
	return h
}

// benchPost posts body to the demo story, with the commenter token if one
// is given.
func benchPost(h http.Handler, body, token string) *discard {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/sites/demo/stories/demo-article/comments", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, req)
	return w
}
