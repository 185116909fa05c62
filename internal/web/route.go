package web

import (
	"net/http"
	"time"
)

// RouteObserver is told of every request once it is answered: the
// ServeMux pattern that served it (the innermost one, "" when none
// matched), its status and how long it took. It must be quick and safe
// for concurrent use; metrics.Requests is one.
type RouteObserver func(route string, status int, took time.Duration)

// WithRoutes reports each request that mux serves to observe. Wrap the
// ServeMux itself, with nothing copying the request in between: a
// ServeMux writes the pattern it matched into the very *http.Request it
// was given (r.Pattern), and a nested one (the API's) overwrites it with
// the finer pattern, so after ServeHTTP r.Pattern names the route and
// never the raw path, which would give a metric one series per URL.
func WithRoutes(mux http.Handler, observe RouteObserver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		mux.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK // nothing written: net/http sends 200
		}
		observe(r.Pattern, status, time.Since(start))
	})
}

// statusWriter remembers the status of a response. It forwards Flush and
// unwraps for http.ResponseController, which the live stream uses to
// flush and to lift its read deadline.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusWriter) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
