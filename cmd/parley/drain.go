package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"parley/internal/config"
)

// drain is a server's way out on SIGTERM, in the order a fleet behind a
// load balancer needs it:
//
//  1. readiness (/readyz) answers 503 at once, while everything else is
//     still served (each response closing its connection), for
//     --drain-delay, so that the load balancer's probes fail and it stops
//     sending new readers and writes here;
//  2. http.Server.Shutdown closes the listener and the live streams,
//     whose readers get `bye` with a time to come back (they reconnect to
//     another instance and replay what they missed by Last-Event-ID), and
//     waits, up to --shutdown-timeout, for the requests in flight: a
//     write under way is committed and answered;
//  3. only then (serve's defers) the outbox relay stops after the message
//     it is sending, the log follower after its current unit of work, and
//     the store closes. A write that finished in step 2 may have queued
//     mail: the relay, or another instance's, sends it.
type drain struct {
	draining atomic.Bool
}

// Draining reports whether the server is on its way out; readiness asks.
func (d *drain) Draining() bool { return d.draining.Load() }

// shutdown runs steps 1 and 2 once ctx (the signal) ends, or returns
// what srv.Serve returned (errc) if it failed first.
func (d *drain) shutdown(ctx context.Context, srv *http.Server, errc <-chan error, cfg *config.Config, log *slog.Logger) error {
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	d.draining.Store(true)
	// Connections kept alive would bring the same clients back here for
	// as long as they last: from now on each response closes its own.
	srv.SetKeepAlivesEnabled(false)
	log.Info("draining: readiness fails", "drain_delay", cfg.DrainDelay.String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-time.After(cfg.DrainDelay):
	}
	log.Info("shutting down: closing live streams, finishing requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("requests finished")
	return nil
}
