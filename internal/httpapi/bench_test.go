package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCachedPage1 serves page 1 of a story from the page cache, the
// hottest path there is, through the whole handler (CORS, routing, the
// cache lookup, headers), without the network.
func BenchmarkCachedPage1(b *testing.B) {
	s := fixtures(b, onSQLite)
	req := httptest.NewRequest("GET", thread, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	s.handler.ServeHTTP(httptest.NewRecorder(), req) // fills the cache
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
