package web

import (
	"net/http"
	"time"
)

// Shortcut answers, before any routing, the requests that need nothing but
// memory: a cached page 1 as the widget asks for it. It returns the route
// pattern it answered for (the one the mux would have matched, for the
// metrics) and the status it wrote, or status 0 having written nothing,
// for the full handler to answer. It must log nothing: it is given the
// request as it came in, without the request ID in its context.
type Shortcut func(w http.ResponseWriter, r *http.Request) (route string, status int)

// Front is what every request passes first, inside Headers: it gets its
// request ID in the response's X-Request-Id (see WithRequestIDs); then s,
// if not nil, may answer it, timed under its route by observe (if not
// nil) as WithRoutes times what the mux serves; any other request goes on
// to next with the ID in its context, for its log lines. The route
// lookup, the client address, the request deadline and a copy of the
// request for its context cost a cached page more than the rest of its
// answer, and it needs none of them.
func Front(next http.Handler, s Shortcut, observe RouteObserver) http.Handler {
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var start time.Time
		if observe != nil && s != nil {
			start = time.Now()
		}
		c := &requestContext{header: [1]string{ids.of(r)}}
		w.Header()[RequestIDHeader] = c.header[:1:1] // a handler's Add copies
		if s != nil {
			if route, status := s(w, r); status != 0 {
				if observe != nil {
					observe(route, status, time.Since(start))
				}
				return
			}
		}
		c.Context = r.Context()
		next.ServeHTTP(w, r.WithContext(c))
	})
}
