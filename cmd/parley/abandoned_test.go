package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log destination that handlers may write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAbandonedRequestsAreNotErrors: a reader who closes the tab cancels
// the request's context, and the database call fails with that. Nobody
// reads the answer; logging it at level ERROR, as a server failure, would
// bury real failures under every closed tab (a crawler that hangs up
// makes one per request).
func TestAbandonedRequestsAreNotErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var log syncBuffer
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(&log, nil)),
		handlerConfig{PublicURL: "http://localhost:8080", Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer closeLive()
	gone, leave := context.WithCancel(ctx)
	leave()
	for _, path := range []string{
		"/api/v1/sites/demo/stories/never-read/comments",
		"/api/v1/sites/demo/counts?story=demo-article",
		"/embed/demo/stories/never-read",
		"/",
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil).WithContext(gone))
	}
	req := httptest.NewRequest("POST", "/api/v1/sites/demo/stories/demo-article/comments",
		strings.NewReader(`{"body":"Weg.","author":{"name":"Rita"}}`)).WithContext(gone)
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)
	// A connection that breaks while the fragment is sent: the page is
	// rendered whole first, so nothing fails halfway and no error page
	// is appended to half a fragment.
	h.ServeHTTP(&brokenPipe{ResponseRecorder: httptest.NewRecorder()}, httptest.NewRequest("GET", "/embed/demo/stories/demo-article", nil))
	if got := log.String(); strings.Contains(got, "level=ERROR") || strings.Contains(got, "superfluous") {
		t.Errorf("abandoned requests were logged as errors:\n%s", got)
	}
}

// brokenPipe is a response whose connection broke: every write fails.
type brokenPipe struct{ *httptest.ResponseRecorder }

func (b *brokenPipe) Write([]byte) (int, error) { return 0, errors.New("write: broken pipe") }
