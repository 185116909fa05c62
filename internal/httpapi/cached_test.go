package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"parley/internal/httpapi"
)

// TestServeCached: a cached page 1 is answered before routing with the
// very status, headers and bytes the route gives (gzip or not, 304 on
// its ETag, CORS for an allowed origin); every other request, and page 1
// before it is cached or once a comment dropped it, is left to the route,
// with nothing written.
func TestServeCached(t *testing.T) {
	s := fixtures(t, onSQLite)
	get := func(path string, header ...string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
	declines := func(why string, r *http.Request) {
		t.Helper()
		w := httptest.NewRecorder()
		if route, status := s.api.ServeCached(w, r); status != 0 || route != "" || len(w.Header()) != 0 || w.Body.Len() != 0 {
			t.Errorf("%s: answered %q %d, headers %v, want nothing written", why, route, status, w.Header())
		}
	}
	declines("not cached yet", get(thread))
	s.handler.ServeHTTP(httptest.NewRecorder(), get(thread)) // the route fills the cache

	route := routed(s.handler)
	etag := s.serve(get(thread)).Header().Get("Etag")
	for _, r := range []*http.Request{
		get(thread),
		get(thread, "Accept-Encoding", "gzip"),
		get(thread, "If-None-Match", etag),
		get(thread, "Origin", publicOrigin),
		get(thread, "Origin", "https://news.example", "Accept-Encoding", "gzip"),
	} {
		want := s.serve(r)
		w := httptest.NewRecorder()
		got, status := s.api.ServeCached(w, r)
		if got != httpapi.ThreadRoute || status != want.Code || route(r) != httpapi.ThreadRoute {
			t.Errorf("%v: answered %q %d, want %q %d as the mux routes it (%q)", r.Header, got, status, httpapi.ThreadRoute, want.Code, route(r))
		}
		if w.Code != want.Code || !reflect.DeepEqual(w.Header(), want.Header()) || w.Body.String() != want.Body.String() {
			t.Errorf("%v: %d %v (%d bytes), want as the route: %d %v (%d bytes)", r.Header, w.Code, w.Header(), w.Body.Len(), want.Code, want.Header(), want.Body.Len())
		}
	}

	declines("a query", get(thread+"?limit=5"))
	declines("HEAD", httptest.NewRequest(http.MethodHead, thread, nil))
	declines("another story", get("/api/v1/sites/news/stories/s2/comments"))
	declines("an escaped path", get("/api/v1/sites/news/stories/s%31/comments"))
	declines("a path to clean", get("/api/v1/sites/news/stories/../stories/s1/comments"))
	declines("a longer path", get("/api/v1/sites/news/stories/s1/x/comments"))
	declines("replies", get("/api/v1/comments/c1/replies"))
	declines("an origin no site allows", get(thread, "Origin", "https://evil.example"))

	s.MustPost("c3", "Dana", "news", "s1", "", "Noch ein Kommentar.")
	declines("after a comment", get(thread))
}

// serve serves r by the stack's routes.
func (s *stack) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, r)
	return w
}

// routed returns the pattern h's mux matches for a request, as the
// metrics see it (r.Pattern after serving a copy).
func routed(h http.Handler) func(*http.Request) string {
	return func(r *http.Request) string {
		c := r.Clone(r.Context())
		h.ServeHTTP(httptest.NewRecorder(), c)
		return c.Pattern
	}
}
