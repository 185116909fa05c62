package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestWithShortcut: what the shortcut answers never reaches the handler
// behind it and is timed under the route it names; what it declines goes
// on to the handler, untimed by the shortcut (the routes time it).
func TestWithShortcut(t *testing.T) {
	short := func(w http.ResponseWriter, r *http.Request) (string, int) {
		if r.URL.Path != "/cached" {
			return "", 0
		}
		w.WriteHeader(http.StatusNotModified)
		return "GET /cached", http.StatusNotModified
	}
	var reached []string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = append(reached, r.URL.Path) })
	var observed []string
	observe := func(route string, status int, took time.Duration) {
		if took < 0 {
			t.Errorf("%s took %v", route, took)
		}
		observed = append(observed, route+" "+http.StatusText(status))
	}
	for _, h := range []http.Handler{WithShortcut(next, short, observe), WithShortcut(next, short, nil)} {
		reached = nil
		for _, path := range []string{"/cached", "/other"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if want := map[string]int{"/cached": 304, "/other": 200}[path]; w.Code != want {
				t.Errorf("%s: status %d, want %d", path, w.Code, want)
			}
		}
		if len(reached) != 1 || reached[0] != "/other" {
			t.Errorf("the handler behind got %v, want only /other", reached)
		}
	}
	if len(observed) != 1 || observed[0] != "GET /cached Not Modified" {
		t.Errorf("observed %v, want the shortcut's one answer", observed)
	}
}
