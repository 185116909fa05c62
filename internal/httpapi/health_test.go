package httpapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// readyService is a Service whose only answer is Ready: readiness asks
// nothing else.
type readyService struct {
	Service
	asked atomic.Int32
}

func (s *readyService) Ready(context.Context) error { s.asked.Add(1); return nil }

// TestReadyWhileDraining: readiness is 200 until draining begins, then 503
// unavailable with Retry-After, without asking the database; liveness
// stays 200 throughout, so that nothing restarts a draining instance.
func TestReadyWhileDraining(t *testing.T) {
	var draining atomic.Bool
	svc := &readyService{}
	a := &API{svc: svc}
	WithDraining(draining.Load)(a)
	ask := func(h func(w *httptest.ResponseRecorder) error) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		if err := h(w); err != nil {
			t.Fatalf("handler: %v", err)
		}
		return w
	}
	ready := func(w *httptest.ResponseRecorder) error {
		return a.ready(w, httptest.NewRequest("GET", "/readyz", nil))
	}
	health := func(w *httptest.ResponseRecorder) error {
		return a.health(w, httptest.NewRequest("GET", "/healthz", nil))
	}
	if w := ask(ready); w.Code != 200 || svc.asked.Load() != 1 {
		t.Fatalf("ready before draining: %d (database asked %d times), want 200 after asking it", w.Code, svc.asked.Load())
	}
	draining.Store(true)
	w := ask(ready)
	var body struct {
		Error struct{ Code, Key string } `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 503 || body.Error.Code != "unavailable" || body.Error.Key != "draining" || w.Header().Get("Retry-After") == "" {
		t.Errorf("ready while draining: %d %s (Retry-After %q), want 503 unavailable/draining with Retry-After", w.Code, w.Body, w.Header().Get("Retry-After"))
	}
	if svc.asked.Load() != 1 {
		t.Errorf("a draining instance asked the database")
	}
	if w := ask(health); w.Code != 200 {
		t.Errorf("health while draining: %d, want 200", w.Code)
	}
}
