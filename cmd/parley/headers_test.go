package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecurityHeaders requests every surface of the wired handler, the
// failures and odd methods included, and checks the headers each must
// carry: nosniff and a Referrer-Policy everywhere; on our HTML pages a CSP
// without unsafe-inline or unsafe-eval that forbids framing (the demo page
// only by others), plus X-Frame-Options; CORP cross-origin exactly where
// publishers' pages load from us (the API, embed.js).
func TestSecurityHeaders(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewUnstartedServer(nil)
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlerConfig{PublicURL: "http://" + srv.Listener.Addr().String(), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()
	defer closeLive()

	const (
		api      = "api"      // JSON, SSE, embed.js: loaded cross-origin on purpose
		page     = "page"     // our HTML pages and anything else: not framed at all
		demoPage = "demoPage" // the demo article: framed by its own origin only
	)
	thread := "/api/v1/sites/demo/stories/demo-article/comments"
	for _, tt := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		kind                     string
	}{
		{"demo page", "GET", "/", "", nil, 200, demoPage},
		{"demo page, wrong method", "POST", "/", "", nil, 405, demoPage},
		{"fragment", "GET", "/embed/demo/stories/demo-article?lang=en", "", nil, 200, page},
		{"fragment of an unknown site (error page)", "GET", "/embed/nope/stories/s", "", nil, 404, page},
		{"form post error page", "POST", "/embed/demo/stories/demo-article/comments", "body=", []string{"Content-Type: application/x-www-form-urlencoded"}, 403, page},
		{"stylesheet", "GET", "/embed/parley.css", "", nil, 200, page},
		{"unknown page", "GET", "/nope", "", nil, 404, page},
		{"health", "GET", "/healthz", "", nil, 200, page},
		{"ready", "GET", "/readyz", "", nil, 200, page},
		{"thread JSON", "GET", thread, "", nil, 200, api},
		{"thread JSON, cached (answered before routing)", "GET", thread, "", nil, 200, api},
		{"JSON error", "GET", "/api/v1/comments/nope/replies", "", nil, 404, api},
		{"unknown endpoint", "GET", "/api/v1/nothing", "", nil, 404, api},
		{"JSON, unknown method", "PUT", thread, "", nil, 404, api},
		{"health, wrong method", "POST", "/healthz", "", nil, 405, page},
		{"bad JSON", "POST", thread, "{", []string{"Content-Type: application/json"}, 400, api},
		{"preflight", "OPTIONS", thread, "", []string{"Origin: https://elsewhere.example", "Access-Control-Request-Method: POST"}, 204, api},
		{"refused origin", "GET", thread, "", []string{"Origin: https://elsewhere.example"}, 403, api},
		{"OpenAPI", "GET", "/api/openapi.json", "", nil, 200, api},
		{"embed.js", "GET", "/embed.js", "", nil, 200, api},
		{"embed.js, wrong method", "POST", "/embed.js", "", nil, 405, api},
		{"live stream (SSE)", "GET", "/api/v1/sites/demo/stories/demo-article/events", "", nil, 200, api},
		{"OIDC start refused (page)", "GET", "/auth/oidc/start?site=demo&origin=https://elsewhere.example", "", nil, 403, page},
		{"OIDC callback refused (page)", "GET", "/auth/oidc/callback?state=x", "", nil, 401, page},
		{"OIDC popup script", "GET", "/auth/oidc/signin.js", "", nil, 200, page},
		{"sign-in link page, unknown link", "GET", "/signin/email?token=pel_x", "", nil, 400, page},
		{"sign-in link post, from elsewhere", "POST", "/signin/email", "token=pel_x", []string{"Content-Type: application/x-www-form-urlencoded", "Origin: https://elsewhere.example"}, 403, page},
		{"sign-in link post, unknown link", "POST", "/signin/email", "token=pel_x", []string{"Content-Type: application/x-www-form-urlencoded"}, 400, page},
		{"sign-in session script", "GET", "/signin/session.js", "", nil, 200, page},
		{"e-mail link request (JSON)", "POST", "/api/v1/sites/demo/auth/email", `{"email":"a@b.example"}`, []string{"Content-Type: application/json"}, 403, api},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rctx, stop := context.WithCancel(ctx)
			defer stop() // ends the live stream once its headers are in
			req, err := http.NewRequestWithContext(rctx, tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for _, kv := range tt.header {
				k, v, _ := strings.Cut(kv, ": ")
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			checkSecurityHeaders(t, resp.Header, tt.kind)
		})
	}
}

func checkSecurityHeaders(t *testing.T, h http.Header, kind string) {
	t.Helper()
	want := map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	csp := h.Get("Content-Security-Policy")
	var directives []string
	switch kind {
	case "api":
		want["Cross-Origin-Resource-Policy"] = "cross-origin"
	case "page":
		want["X-Frame-Options"] = "DENY"
		directives = []string{"frame-ancestors 'none'"}
	case "demoPage":
		want["X-Frame-Options"] = "SAMEORIGIN"
		directives = []string{"frame-ancestors 'self'"}
	}
	if kind != "api" {
		directives = append(directives, "default-src 'none'", "script-src 'self'", "style-src 'self'",
			"base-uri 'none'", "object-src 'none'", "form-action 'self'")
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	for _, d := range directives {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval"} {
		if strings.Contains(csp, bad) {
			t.Errorf("Content-Security-Policy allows %s: %q", bad, csp)
		}
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over plain HTTP: %q", h.Get("Strict-Transport-Security"))
	}
}
