// Package metrics is what Parley tells Prometheus: request latency by
// route, the page cache, live readers, the bus, the outbox and the
// moderation queues, the database pool, and the Go runtime. It keeps its
// own registry, never the default one, so that two servers in one process
// (as in the end-to-end tests) do not share or fight over series, and it
// is served on a listener of its own (--metrics-addr), never the public
// one: queue depths per site and pool figures are for operators only.
//
// Labels stay few: a route is the ServeMux pattern, never the path, and a
// status its code, so the number of series is fixed by the code, not by
// the traffic.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the metrics Parley updates as it works
// (requests, live streams); the rest are read when Prometheus scrapes
// (see the Watch methods). Create it with New.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	readers  prometheus.Gauge
	opened   prometheus.Counter
	closed   prometheus.Counter
}

// New returns metrics on a fresh registry, with the Go runtime and
// process collectors on it.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "parley_http_request_duration_seconds",
			Help: "Time from a request's arrival to the end of its response, by ServeMux pattern and status code. Live streams count their whole life.",
			// from a cached page 1 (well under a millisecond) to a write
			// waiting for a busy group commit or a slow mail server
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
		readers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "parley_live_readers", Help: "Live event streams open now."}),
		opened:  prometheus.NewCounter(prometheus.CounterOpts{Name: "parley_live_streams_opened_total", Help: "Live event streams opened."}),
		closed:  prometheus.NewCounter(prometheus.CounterOpts{Name: "parley_live_streams_closed_total", Help: "Live event streams closed, by the reader or the server."}),
	}
	m.reg.MustRegister(m.requests, m.readers, m.opened, m.closed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus's formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// Register adds a collector of the caller's own, for what this package
// does not know.
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// ObserveRoute records one answered request; it is a web.RouteObserver.
// A request no pattern matched counts under route "unmatched".
func (m *Metrics) ObserveRoute(route string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, statusCode(status)).Observe(took.Seconds())
}

// statusCode spells the common codes without allocating.
func statusCode(status int) string {
	switch status {
	case http.StatusOK:
		return "200"
	case http.StatusCreated:
		return "201"
	case http.StatusNoContent:
		return "204"
	case http.StatusNotModified:
		return "304"
	case http.StatusNotFound:
		return "404"
	}
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status)
}

// StreamOpened counts a live stream that began.
func (m *Metrics) StreamOpened() { m.opened.Inc(); m.readers.Inc() }

// StreamClosed counts a live stream that ended.
func (m *Metrics) StreamClosed() { m.closed.Inc(); m.readers.Dec() }
