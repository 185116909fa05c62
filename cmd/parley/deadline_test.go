package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
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
	dsn := pgtest.URL(t)
	u, _ := url.Parse(dsn)
	p := newStallProxy(t, u.Host)
	u.Host = p.addr
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, u.String())
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
	p.stall()

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

// stallProxy forwards TCP to target until stall, after which it keeps
// every connection, old and new, open and passes nothing.
type stallProxy struct {
	addr, target string

	mu      sync.Mutex
	stalled bool
	conns   []net.Conn
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{addr: ln.Addr().String(), target: target}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *stallProxy) serve(c net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, c)
	stalled := p.stalled
	p.mu.Unlock()
	if stalled {
		return // held open, never answered
	}
	d, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, d)
	p.mu.Unlock()
	go p.copy(d, c)
	p.copy(c, d)
}

// copy passes bytes from src to dst until the proxy stalls.
func (p *stallProxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		stalled := p.stalled
		p.mu.Unlock()
		if err != nil || stalled {
			return // the connection stays open; the bytes are swallowed
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *stallProxy) stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}
