package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHeadersHSTSOnlyOverHTTPS: HSTS is sent when the public URL is https
// and never over plain HTTP.
func TestHeadersHSTSOnlyOverHTTPS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, https := range []bool{false, true} {
		rec := httptest.NewRecorder()
		NewHeaders(ok, https).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != https {
			t.Errorf("https=%v: HSTS sent=%v", https, got)
		}
	}
}

// TestHeadersPreparedValuesStayIntact: a handler that adds to a prepared
// header changes its own response only, never the values every later
// response shares.
func TestHeadersPreparedValuesStayIntact(t *testing.T) {
	adds := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Content-Security-Policy", "img-src *")
	})
	h := NewHeaders(adds, false)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	rec := httptest.NewRecorder()
	h.next = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if got := rec.Header().Values("Content-Security-Policy"); len(got) != 1 {
		t.Errorf("a handler's Add leaked into the next response: %q", got)
	}
}

// BenchmarkHeaders measures what the middleware adds to a request, against
// the bare handler, on the cached page-1 path (/api/...). Each request
// gets a fresh header map, as net/http gives it.
func BenchmarkHeaders(b *testing.B) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	req := httptest.NewRequest("GET", "/api/v1/sites/s/stories/a/comments", nil)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"none", ok}, {"headers", NewHeaders(ok, true)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(&writer{h: http.Header{"Content-Type": {"application/json"}}}, req)
			}
		})
	}
}

// writer is a ResponseWriter that keeps nothing, so that the benchmark
// measures the middleware rather than a recorder.
type writer struct{ h http.Header }

func (w *writer) Header() http.Header         { return w.h }
func (w *writer) Write(p []byte) (int, error) { return len(p), nil }
func (w *writer) WriteHeader(int)             {}
