package httpapi

import (
	"context"
	"net/http"
	"time"
)

// WithRequestTimeout gives every request the deadline d for its wait on
// the database (a database that accepts connections but never answers
// would otherwise hold each request until its client gives up), except
// on the routes that need none (selfBounded). A server that routes the
// API on its own mux (Register) sets it here rather than around the mux,
// so that the cached pages are spared it.
func WithRequestTimeout(d time.Duration) Option { return func(a *API) { a.requestTimeout = d } }

// selfBounded reports whether a route needs no request deadline: the
// cached pages and lists, whose loads detach from the request and bound
// themselves (loadTimeout), the live stream, which is meant to stay open,
// and what never waits for the database. The deadline costs a cached
// page 1 five allocations, a timer and a lock of its parent context: a
// sixth of its work.
func selfBounded(pattern string) bool {
	switch pattern {
	case ThreadRoute, "GET /api/v1/sites/{site}/counts",
		"GET /api/v1/sites/{site}/stories/{story}/events", "GET /api/openapi.json", "GET /healthz":
		return true
	}
	return false
}

// bound wraps h in the request deadline, unless the route is selfBounded
// or no deadline was configured.
func (a *API) bound(pattern string, h http.Handler) http.Handler {
	if a.requestTimeout <= 0 || selfBounded(pattern) {
		return h
	}
	d := a.requestTimeout
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
