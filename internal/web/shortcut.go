package web

import (
	"net/http"
	"time"
)

// Shortcut answers, before any routing, the requests that need nothing but
// memory: a cached page 1 as the widget asks for it. It returns the route
// pattern it answered for (the one the mux would have matched, for the
// metrics) and the status it wrote, or status 0 having written nothing,
// for the full handler to answer.
type Shortcut func(w http.ResponseWriter, r *http.Request) (route string, status int)

// WithShortcut tries s on every request before next, and reports what s
// answers to observe (nil: nothing is timed), as WithRoutes reports what
// the mux serves. The route lookup, the client address and the request
// deadline cost a cached page more than the rest of its answer, and it
// needs none of them. Place it inside Headers and WithRequestIDs, so that
// a short answer still gets its security headers and its request ID.
func WithShortcut(next http.Handler, s Shortcut, observe RouteObserver) http.Handler {
	if observe == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, status := s(w, r); status == 0 {
				next.ServeHTTP(w, r)
			}
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if route, status := s(w, r); status != 0 {
			observe(route, status, time.Since(start))
			return
		}
		next.ServeHTTP(w, r)
	})
}
