package web

import (
	"net/http"
	"strings"

	"parley"
)

// RetrySeconds is what Retry-After tells a client during an outage: long
// enough for a database restart or a failover, short enough that a reader
// who tries again finds the discussion back.
const RetrySeconds = "5"

// Policies for our own HTML pages (the demo page, the block's error pages,
// the fragment opened directly). Nothing inline runs or styles them: the
// only script is embed.js, the only stylesheet /embed/parley.css, and the
// widget styles its shadow root with constructed stylesheets, so neither
// 'unsafe-inline' nor 'unsafe-eval' is needed. Forms post to us only; no
// <base> may move relative URLs; no plugins.
const (
	pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
		"form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors "
)

// header is one prepared header: the canonical key and a value slice whose
// capacity equals its length, so that a handler's Header().Add makes its
// own copy instead of writing into the slice every response shares.
type header struct {
	key string
	val []string
}

func prepared(key, value string) header {
	return header{key: http.CanonicalHeaderKey(key), val: []string{value}[:1:1]}
}

// profile is the set of headers one kind of surface gets.
type profile []header

func (p profile) apply(h http.Header) {
	for _, x := range p {
		h[x.key] = x.val
	}
}

// Headers is the middleware that puts security headers on every response
// Parley sends. Build it once with NewHeaders: the values are prepared at
// start-up, so a request costs a few map assignments (this sits in front
// of the cached page 1, the hottest path there is).
type Headers struct {
	next            http.Handler
	api, page, demo profile
}

// NewHeaders wraps next. https says that Parley is reached over HTTPS (its
// public URL is https://…); only then is HSTS sent, since over plain HTTP
// it would be ignored at best and lock a test setup out at worst.
//
// Every response gets X-Content-Type-Options and Referrer-Policy. The API
// and embed.js are meant to be used from publishers' pages, so they carry
// Cross-Origin-Resource-Policy: cross-origin; everything else is
// same-origin. HTML pages get a strict Content-Security-Policy and may not
// be framed, except the demo page at "/", which its own origin may frame.
func NewHeaders(next http.Handler, https bool) *Headers {
	common := []header{
		prepared("X-Content-Type-Options", "nosniff"),
		// keeps the Origin header on our own form posts (no-referrer would
		// turn it into "null") but sends no paths to other sites
		prepared("Referrer-Policy", "strict-origin-when-cross-origin"),
	}
	if https {
		common = append(common, prepared("Strict-Transport-Security", "max-age=31536000"))
	}
	with := func(extra ...header) profile { return append(append(profile(nil), common...), extra...) }
	return &Headers{
		next: next,
		// no CSP on JSON, SSE and the script: with nosniff no browser renders
		// them as a page, and the bytes would go out with every cached page 1
		api: with(prepared("Cross-Origin-Resource-Policy", "cross-origin")),
		page: with(prepared("Cross-Origin-Resource-Policy", "same-origin"),
			prepared("Content-Security-Policy", pagePolicy+"'none'"), prepared("X-Frame-Options", "DENY")),
		demo: with(prepared("Cross-Origin-Resource-Policy", "same-origin"),
			prepared("Content-Security-Policy", pagePolicy+"'self'"), prepared("X-Frame-Options", "SAMEORIGIN")),
	}
}

// ServeHTTP sets the headers of the request's surface and calls next.
func (s *Headers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/") || p == "/embed.js":
		s.api.apply(w.Header())
	case p == "/":
		s.demo.apply(w.Header())
	default:
		s.page.apply(w.Header())
	}
	s.next.ServeHTTP(w, r)
}

// errorPageHeaders are what ErrorPage sets, prepared once.
var errorPageHeaders = profile{
	prepared("Content-Security-Policy", pagePolicy+"'none'"),
	prepared("X-Frame-Options", "DENY"),
}

// ErrorPage makes a response an error page that no one may frame, even
// where the page it replaces (the demo page) could be: an error page may
// hold the text a reader typed.
func ErrorPage(h http.Header) { errorPageHeaders.apply(h) }

// ErrorHeaders sets the headers an error response with code needs beyond
// its status: during an outage, when to try again.
func ErrorHeaders(h http.Header, code string) {
	if code == parley.EUNAVAILABLE {
		h.Set("Retry-After", RetrySeconds)
	}
}
