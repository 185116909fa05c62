package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"parley/internal/config"
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
// makes one per request). It holds in both log formats, for reads and
// writes, whether the client left before the answer or while it was
// sent; and what is logged of such a request carries its request ID.
func TestAbandonedRequestsAreNotErrors(t *testing.T) {
	for _, format := range []string{config.LogText, config.LogJSON} {
		t.Run(format, func(t *testing.T) { testAbandoned(t, format) })
	}
}

func testAbandoned(t *testing.T, format string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var log syncBuffer
	h, closeLive, err := newHandler(ctx, store, newLogger(&config.Config{LogFormat: format, LogLevel: slog.LevelDebug}, &log),
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
	post := func(ctx context.Context, body string) *http.Request {
		req := httptest.NewRequest("POST", "/api/v1/sites/demo/stories/demo-article/comments", strings.NewReader(body)).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	h.ServeHTTP(httptest.NewRecorder(), post(gone, `{"body":"Weg.","author":{"name":"Rita"}}`))
	// A connection that breaks while the answer is sent: the fragment is
	// rendered whole first, so nothing fails halfway and no error page is
	// appended to half a fragment; a write is committed, and its answer
	// lost, which is the client's affair.
	h.ServeHTTP(&brokenPipe{ResponseRecorder: httptest.NewRecorder()}, httptest.NewRequest("GET", "/embed/demo/stories/demo-article", nil))
	h.ServeHTTP(&brokenPipe{ResponseRecorder: httptest.NewRecorder()}, httptest.NewRequest("GET", "/api/v1/sites/demo/stories/demo-article/comments", nil))
	h.ServeHTTP(&brokenPipe{ResponseRecorder: httptest.NewRecorder()}, post(ctx, `{"body":"Gesendet, nie gelesen.","author":{"name":"Rita"}}`))
	got := log.String()
	if strings.Contains(got, "level=ERROR") || strings.Contains(got, `"level":"ERROR"`) || strings.Contains(got, "superfluous") {
		t.Errorf("abandoned requests were logged as errors:\n%s", got)
	}
	abandoned := 0
	for _, line := range strings.Split(got, "\n") {
		if strings.Contains(line, "abandoned") {
			abandoned++
			if !strings.Contains(line, "request_id") {
				t.Errorf("a line of a request without its request ID: %s", line)
			}
		}
	}
	if abandoned == 0 {
		t.Errorf("no abandoned request was logged at debug level:\n%s", got)
	}
}

// brokenPipe is a response whose connection broke: every write fails.
type brokenPipe struct{ *httptest.ResponseRecorder }

func (b *brokenPipe) Write([]byte) (int, error) { return 0, errors.New("write: broken pipe") }
