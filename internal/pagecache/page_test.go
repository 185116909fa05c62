package pagecache

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// headerWriter is a ResponseWriter that keeps the header map between
// responses (cleared, its room kept), so that what Serve allocates can be
// told from what a new map costs.
type headerWriter struct {
	h      http.Header
	status int
}

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *headerWriter) WriteHeader(s int)           { w.status = s }

// TestServeAllocatesNothing: the headers of a cached page are prepared
// once; serving it assigns them.
func TestServeAllocatesNothing(t *testing.T) {
	p := NewPage([]byte(`{"comments":[]}`))
	cc := NewCacheControl("public, max-age=0")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w := &headerWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(100, func() {
		clear(w.h)
		p.Serve(w, req, cc)
	})
	if allocs != 0 || w.status != http.StatusOK || w.h.Get("Content-Encoding") != "gzip" {
		t.Errorf("Serve: %v allocations, status %d, headers %v; want none, 200, gzip", allocs, w.status, w.h)
	}
}

// TestServeSharesNothingWritable: a handler that adds to a header after
// Serve must not change what the next reader of the page gets.
func TestServeSharesNothingWritable(t *testing.T) {
	p := NewPage([]byte(`{"comments":[]}`))
	cc := NewCacheControl("public, max-age=0")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	first := httptest.NewRecorder()
	p.Serve(first, req, cc)
	for _, k := range []string{"Etag", "Cache-Control", "Vary", "Content-Type", "Content-Encoding", "Content-Length"} {
		first.Header().Add(k, "changed")
	}
	second := httptest.NewRecorder()
	p.Serve(second, req, cc)
	for k, v := range second.Header() {
		if len(v) != 1 {
			t.Errorf("the second reader got %s: %q", k, v)
		}
	}
	if got := second.Header().Get("Etag"); got != p.ETag() || got[0] != '"' {
		t.Errorf("ETag %q, want the strong %q", got, p.ETag())
	}
}

// TestServeVaryAfterOrigin: a CORS answer varies on Origin already;
// Accept-Encoding is added, not put instead.
func TestServeVaryAfterOrigin(t *testing.T) {
	p := NewPage([]byte(`{}`))
	w := httptest.NewRecorder()
	w.Header().Add("Vary", "Origin")
	p.Serve(w, httptest.NewRequest(http.MethodGet, "/", nil), NewCacheControl("public"))
	if got := w.Header().Values("Vary"); len(got) != 2 || got[0] != "Origin" || got[1] != "Accept-Encoding" {
		t.Errorf("Vary %q, want Origin and Accept-Encoding", got)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", p.ETag())
	w = httptest.NewRecorder()
	p.Serve(w, req, NewCacheControl("public"))
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
}
