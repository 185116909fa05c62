package httpapi

import (
	"net/http"

	"parley"
	"parley/internal/web"
)

// WithDraining lets readiness answer 503 while draining reports true: a
// server told to stop says so on /readyz first, for long enough that load
// balancers stop sending it readers, and only then closes its streams and
// its listener (cmd/parley's drain).
func WithDraining(draining func() bool) Option { return func(a *API) { a.draining = draining } }

// health says the process is up and serving HTTP: the liveness probe. It
// asks nothing of the database, so that a database outage makes instances
// unready, not restarted in a loop.
func (a *API) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// ready says this instance should get traffic: it is not draining and its
// database answers. A draining instance is not an error to log; a load
// balancer asks every few seconds.
func (a *API) ready(w http.ResponseWriter, r *http.Request) error {
	if a.draining != nil && a.draining() {
		web.ErrorHeaders(w.Header(), parley.EUNAVAILABLE)
		writeJSON(w, http.StatusServiceUnavailable, map[string]errorJSON{"error": {Code: parley.EUNAVAILABLE,
			Message: "This instance is shutting down.", Key: "draining"}})
		return nil
	}
	if err := a.svc.Ready(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
