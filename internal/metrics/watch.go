package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// CacheStats is what the page cache tells: its counters since start and
// what it holds now.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Bytes, Budget           int64
}

// BusStats is the state of the bus between instances: how far behind the
// events it delivers are, and whether it is connected. The in-process bus
// is never behind and always connected (InProcessBus).
type BusStats struct {
	Lag       time.Duration
	Connected bool
}

// InProcessBus is the BusStats of a bus that only reaches this process.
func InProcessBus() BusStats { return BusStats{Connected: true} }

// PoolStats is one connection pool of the database, whatever the driver:
// sql.DBStats for SQLite, pgxpool.Stat for PostgreSQL.
type PoolStats struct {
	Name              string // which pool: "read", "write", "postgres"
	Open, InUse, Idle int
	Max               int   // 0: unbounded
	Waits             int64 // times a caller waited for a connection
	WaitTime          time.Duration
}

// ConnStats are the public listener's connections (internal/netlimit):
// those open now, its bound, and the refused since start, by reason.
type ConnStats struct {
	Open, Max                    int
	RefusedTotal, RefusedAddress int64
	Dropped                      int64 // refused and closed unanswered
}

// WatchConnections reports the public listener, read with stats at each
// scrape.
func (m *Metrics) WatchConnections(stats func() ConnStats) error {
	return m.reg.Register(funcCollector(func(ch chan<- prometheus.Metric) {
		s := stats()
		ch <- prometheus.MustNewConstMetric(connOpen, prometheus.GaugeValue, float64(s.Open))
		ch <- prometheus.MustNewConstMetric(connMax, prometheus.GaugeValue, float64(s.Max))
		ch <- prometheus.MustNewConstMetric(connRefused, prometheus.CounterValue, float64(s.RefusedTotal), "total")
		ch <- prometheus.MustNewConstMetric(connRefused, prometheus.CounterValue, float64(s.RefusedAddress), "address")
		ch <- prometheus.MustNewConstMetric(connDropped, prometheus.CounterValue, float64(s.Dropped))
	}, connOpen, connMax, connRefused, connDropped))
}

// WatchPages reports the page cache, read with stats at each scrape.
func (m *Metrics) WatchPages(stats func() CacheStats) error {
	return m.reg.Register(funcCollector(func(ch chan<- prometheus.Metric) {
		s := stats()
		ch <- prometheus.MustNewConstMetric(cacheHits, prometheus.CounterValue, float64(s.Hits))
		ch <- prometheus.MustNewConstMetric(cacheMisses, prometheus.CounterValue, float64(s.Misses))
		ch <- prometheus.MustNewConstMetric(cacheEvictions, prometheus.CounterValue, float64(s.Evictions))
		ch <- prometheus.MustNewConstMetric(cacheBytes, prometheus.GaugeValue, float64(s.Bytes))
		ch <- prometheus.MustNewConstMetric(cacheBudget, prometheus.GaugeValue, float64(s.Budget))
	}, cacheHits, cacheMisses, cacheEvictions, cacheBytes, cacheBudget))
}

// WatchBus reports the bus, read with stats at each scrape.
func (m *Metrics) WatchBus(stats func() BusStats) error {
	return m.reg.Register(funcCollector(func(ch chan<- prometheus.Metric) {
		s := stats()
		connected := 0.0
		if s.Connected {
			connected = 1
		}
		ch <- prometheus.MustNewConstMetric(busLag, prometheus.GaugeValue, s.Lag.Seconds())
		ch <- prometheus.MustNewConstMetric(busConnected, prometheus.GaugeValue, connected)
	}, busLag, busConnected))
}

// WatchPools reports the database's connection pools, read with stats at
// each scrape.
func (m *Metrics) WatchPools(stats func() []PoolStats) error {
	return m.reg.Register(funcCollector(func(ch chan<- prometheus.Metric) {
		for _, p := range stats() {
			ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(p.Open), p.Name)
			ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(p.InUse), p.Name)
			ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(p.Idle), p.Name)
			ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(p.Max), p.Name)
			ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(p.Waits), p.Name)
			ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, p.WaitTime.Seconds(), p.Name)
		}
	}, poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWaitTime))
}

// The descriptions of the metrics read at scrape time. They are constants
// in all but name: nothing ever changes them.
var (
	cacheHits      = desc("parley_pagecache_hits_total", "Thread pages served from the cache.")
	cacheMisses    = desc("parley_pagecache_misses_total", "Thread pages built because the cache had none (or only a stale one).")
	cacheEvictions = desc("parley_pagecache_evictions_total", "Times the cache was emptied to stay within its budget.")
	cacheBytes     = desc("parley_pagecache_bytes", "Bytes of pages the cache holds.")
	cacheBudget    = desc("parley_pagecache_budget_bytes", "The cache's budget (--cache-size).")
	busLag         = desc("parley_bus_lag_seconds", "How far behind the events the bus delivers are; 0 in process.")
	busConnected   = desc("parley_bus_connected", "1 while the bus between instances is connected (always in process).")
	poolOpen       = desc("parley_db_connections_open", "Open database connections.", "pool")
	poolInUse      = desc("parley_db_connections_in_use", "Database connections in use.", "pool")
	poolIdle       = desc("parley_db_connections_idle", "Idle database connections.", "pool")
	poolMax        = desc("parley_db_connections_max", "Most connections the pool opens; 0: unbounded.", "pool")
	poolWaits      = desc("parley_db_connection_waits_total", "Times a caller waited for a free connection.", "pool")
	poolWaitTime   = desc("parley_db_connection_wait_seconds_total", "Time callers spent waiting for a free connection.", "pool")
	connOpen       = desc("parley_connections_open", "Client connections the public listener holds now.")
	connMax        = desc("parley_connections_max", "Most client connections the public listener holds at once (--max-connections); 0: no bound.")
	connRefused    = desc("parley_connections_refused_total", "Client connections answered 503 and closed: the listener was full (total) or their address held its bound (address).", "reason")
	connDropped    = desc("parley_connections_dropped_total", "Refused client connections closed without an answer, because too many were being refused at once.")
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// collectFunc is a collector of metrics read when Prometheus scrapes.
type collectFunc struct {
	descs   []*prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func funcCollector(collect func(ch chan<- prometheus.Metric), descs ...*prometheus.Desc) collectFunc {
	return collectFunc{descs: descs, collect: collect}
}

func (c collectFunc) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c collectFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }
