package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestWithRoutes: the observer gets the pattern of the innermost mux, not
// the path, the status actually sent (200 when the handler only writes
// or writes nothing), and the stream's flushes still reach the client.
func TestWithRoutes(t *testing.T) {
	inner := http.NewServeMux()
	inner.HandleFunc("GET /api/v1/comments/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	inner.HandleFunc("GET /api/v1/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("data: x\n\n"))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the observer: %v", err)
		}
	})
	outer := http.NewServeMux()
	outer.Handle("/api/", inner)
	outer.HandleFunc("GET /embed.js", func(w http.ResponseWriter, r *http.Request) {})
	type seen struct {
		route  string
		status int
	}
	var got []seen
	h := WithRoutes(outer, func(route string, status int, took time.Duration) {
		if took < 0 {
			t.Errorf("%s took %v", route, took)
		}
		got = append(got, seen{route, status})
	})
	for _, path := range []string{"/api/v1/comments/c-123", "/api/v1/stream", "/embed.js", "/nowhere"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if path == "/api/v1/stream" && !w.Flushed {
			t.Errorf("the stream was not flushed")
		}
	}
	want := []seen{{"GET /api/v1/comments/{id}", 418}, {"GET /api/v1/stream", 200}, {"GET /embed.js", 200}, {"", 404}}
	if len(got) != len(want) {
		t.Fatalf("observed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d: observed %v, want %v", i, got[i], want[i])
		}
	}
}
