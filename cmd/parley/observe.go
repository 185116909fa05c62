package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"parley"
	"parley/internal/config"
	"parley/internal/httpapi"
	"parley/internal/metrics"
	"parley/internal/pagecache"
	"parley/internal/realtime"
	"parley/internal/store/postgres"
	"parley/internal/store/sqlite"
	"parley/internal/web"
)

// startMetrics serves /metrics on --metrics-addr, a listener of its own so
// that nothing on it is reachable from the public one, with the store's
// backlog and pools on the registry. Without the flag it returns nil
// metrics and costs the requests nothing. stop ends the listener; call it
// after the public server has drained, so that the drain can be watched.
func startMetrics(cfg *config.Config, store parley.Store, log *slog.Logger) (m *metrics.Metrics, stop func(), err error) {
	if cfg.MetricsAddr == "" {
		return nil, func() {}, nil
	}
	m = metrics.New()
	if br, ok := store.(parley.BacklogReader); ok {
		if err := m.WatchBacklog(br, log, nil); err != nil {
			return nil, nil, fmt.Errorf("metrics: %w", err)
		}
	}
	if err := m.WatchPools(poolStats(store)); err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	stop, err = serveMetrics(cfg.MetricsAddr, m.Handler(), log)
	if err != nil {
		return nil, nil, err
	}
	return m, stop, nil
}

// serveMetrics serves h at GET /metrics on addr, with the security
// headers of every surface, and a JSON 404 for anything else. The
// runtime's profiles (/debug/pprof/) are on this listener too, so that
// bench/ can profile a running server (-cpuprofile) without a build of
// its own; they are never on the public listener.
func serveMetrics(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"not_found","message":"This listener serves GET /metrics only."}}`+"\n")
	})
	srv := &http.Server{Handler: web.NewHeaders(mux, false), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	}, nil
}

// poolStats reads the pools of whichever backend store is.
func poolStats(store parley.Store) func() []metrics.PoolStats {
	switch s := store.(type) {
	case *sqlite.Store:
		return func() []metrics.PoolStats {
			read, write := s.PoolStats()
			return []metrics.PoolStats{sqlPool("read", read), sqlPool("write", write)}
		}
	case *postgres.Store:
		return func() []metrics.PoolStats {
			st := s.PoolStat()
			return []metrics.PoolStats{{Name: "postgres", Open: int(st.TotalConns()), InUse: int(st.AcquiredConns()),
				Idle: int(st.IdleConns()), Max: int(st.MaxConns()), Waits: st.EmptyAcquireCount(), WaitTime: st.EmptyAcquireWaitTime()}}
		}
	}
	return func() []metrics.PoolStats { return nil }
}

// sqlPool is one database/sql pool as metrics.PoolStats.
func sqlPool(name string, st sql.DBStats) metrics.PoolStats {
	return metrics.PoolStats{Name: name, Open: st.OpenConnections, InUse: st.InUse, Idle: st.Idle,
		Max: st.MaxOpenConnections, Waits: st.WaitCount, WaitTime: st.WaitDuration}
}

// countStreams wraps live to count the streams the API opens and closes
// on it; with nil metrics it is live itself.
func countStreams(m *metrics.Metrics, live httpapi.Live) httpapi.Live {
	if m == nil {
		return live
	}
	return countedLive{Live: live, m: m}
}

// instrument puts the parts newHandler made on the registry and returns
// mux wrapped to time each request by route (web.WithRoutes: it must wrap
// the ServeMux itself). With nil metrics it changes nothing.
// bus reports the bus between instances; nil for the in-process bus.
func instrument(m *metrics.Metrics, mux *http.ServeMux, pages *pagecache.Cache, bus func() metrics.BusStats) (http.Handler, error) {
	if m == nil {
		return mux, nil
	}
	if err := m.WatchPages(func() metrics.CacheStats {
		s := pages.Stats()
		return metrics.CacheStats{Hits: s.Hits, Misses: s.Misses, Evictions: s.Evictions, Bytes: s.Bytes, Budget: s.Budget}
	}); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if bus == nil {
		bus = metrics.InProcessBus // never behind, always connected
	}
	if err := m.WatchBus(bus); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return web.WithRoutes(mux, m.ObserveRoute), nil
}

// routeObserver is what times requests by route, nil without metrics.
func routeObserver(m *metrics.Metrics) web.RouteObserver {
	if m == nil {
		return nil
	}
	return m.ObserveRoute
}

// countedLive counts the live streams the API opens and closes on the hub.
type countedLive struct {
	httpapi.Live
	m *metrics.Metrics
}

func (c countedLive) Subscribe(ctx context.Context, siteID, storyID string) (*realtime.Subscriber, error) {
	sub, err := c.Live.Subscribe(ctx, siteID, storyID)
	if err == nil {
		c.m.StreamOpened()
	}
	return sub, err
}

func (c countedLive) Unsubscribe(sub *realtime.Subscriber) {
	c.Live.Unsubscribe(sub)
	c.m.StreamClosed()
}
