package main

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// requestTimeout bounds how long a request may wait for the database. A
// database that accepts connections but does not answer (a stopped
// process, a network partition, a full disk on the server) would
// otherwise hold every request, and every reader's browser, until the
// client gives up; past the deadline both backends answer unavailable
// (503, Retry-After). Long enough for a group commit under load or a
// PostgreSQL failover.
const requestTimeout = 10 * time.Second

// withDeadline gives each request's context the deadline d, except the
// live event streams, which are meant to stay open (their database reads
// before the stream begins are bounded by the hub and the stream itself),
// and the JSON API, which applies d itself route by route
// (httpapi.WithRequestTimeout) so that its cached pages are spared it.
func withDeadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasSuffix(r.URL.Path, "/events") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
