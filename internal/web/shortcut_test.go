package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestFront: what the shortcut answers never reaches the handler behind it,
// carries a request ID and is timed under the route it names; what it
// declines goes on to the handler with the ID in its context, untimed by
// Front (the routes time it).
func TestFront(t *testing.T) {
	short := func(w http.ResponseWriter, r *http.Request) (string, int) {
		if r.URL.Path != "/cached" {
			return "", 0
		}
		w.WriteHeader(http.StatusNotModified)
		return "GET /cached", http.StatusNotModified
	}
	var reached []string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = append(reached, r.URL.Path)
		if id := RequestIDFrom(r.Context()); id == "" || id != w.Header().Get(RequestIDHeader) {
			t.Errorf("the handler behind sees request ID %q, the response says %q", id, w.Header().Get(RequestIDHeader))
		}
	})
	var observed []string
	observe := func(route string, status int, took time.Duration) {
		if took < 0 {
			t.Errorf("%s took %v", route, took)
		}
		observed = append(observed, route+" "+http.StatusText(status))
	}
	ids := map[string]bool{}
	for _, h := range []http.Handler{Front(next, short, observe), Front(next, short, nil)} {
		reached = nil
		for _, path := range []string{"/cached", "/other"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if want := map[string]int{"/cached": 304, "/other": 200}[path]; w.Code != want {
				t.Errorf("%s: status %d, want %d", path, w.Code, want)
			}
			id := w.Header().Get(RequestIDHeader)
			if len(id) != 26 || !SafeRequestID(id) || ids[id] {
				t.Errorf("%s: request ID %q, want a fresh one", path, id)
			}
			ids[id] = true
		}
		if len(reached) != 1 || reached[0] != "/other" {
			t.Errorf("the handler behind got %v, want only /other", reached)
		}
	}
	if len(observed) != 1 || observed[0] != "GET /cached Not Modified" {
		t.Errorf("observed %v, want the shortcut's one answer", observed)
	}
}

// TestRequestIDsUnique: IDs made on many goroutines at once (each with
// generators of its own from the pool) never repeat.
func TestRequestIDsUnique(t *testing.T) {
	ids := newRequestIDs()
	const workers, each = 8, 2000
	out := make(chan []string)
	for range workers {
		go func() {
			made := make([]string, each)
			for i := range made {
				made[i] = ids.New()
			}
			out <- made
		}()
	}
	seen := map[string]bool{}
	for range workers {
		for _, id := range <-out {
			if seen[id] || len(id) != 26 || !SafeRequestID(id) {
				t.Fatalf("request ID %q: repeated or malformed", id)
			}
			seen[id] = true
		}
	}
}
