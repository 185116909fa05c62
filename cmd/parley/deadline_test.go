package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley/internal/store/postgres/pgtest"
)

// TestDatabaseThatDoesNotAnswer: PostgreSQL behind a proxy that keeps
// every connection open but stops passing bytes, as a stopped server or a
// network partition does. Requests must answer 503 unavailable with
// Retry-After, not wait for as long as the client does; both the pool's
// open connections (a query that never returns) and new ones (a handshake
// that never completes) are stalled.
func TestDatabaseThatDoesNotAnswer(t *testing.T) {
	p := pgtest.NewProxy(t, pgtest.URL(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, p.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewUnstartedServer(nil)
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlerConfig{PublicURL: "http://" + srv.Listener.Addr().String(), Demo: true, RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()
	defer closeLive()
	page, err := http.Get(srv.URL + "/embed/demo/stories/demo-article")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindSubmatch(html)
	if m == nil {
		t.Fatalf("no form token in the fragment:\n%s", html)
	}
	p.Stall()

	// The client's own timeout only keeps a failing test from hanging.
	client := &http.Client{Timeout: 30 * time.Second}
	for _, tt := range []struct{ name, method, path, body, ctype string }{
		{"post", "POST", "/api/v1/sites/demo/stories/demo-article/comments", `{"body":"Hallo?","author":{"name":"Rita"}}`, "application/json"},
		{"uncached thread", "GET", "/api/v1/sites/demo/stories/never-read/comments", "", ""},
		{"fragment", "GET", "/embed/demo/stories/never-read", "", ""},
		{"form", "POST", "/embed/demo/stories/demo-article/comments", "body=Hallo&name=Rita&token=" + string(m[1]), "application/x-www-form-urlencoded"},
		{"readiness", "GET", "/readyz", "", ""},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		if tt.ctype != "" {
			req.Header.Set("Content-Type", tt.ctype)
		}
		start := time.Now()
		resp, err := client.Do(req)
		t.Logf("%s: %v", tt.name, time.Since(start))
		if err != nil {
			t.Fatalf("%s: %v (no answer while the database hangs)", tt.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d, Retry-After %q; want 503 with Retry-After", tt.name, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
}
