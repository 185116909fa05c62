package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"parley"
	"parley/internal/config"
	"parley/internal/metrics"
	"parley/internal/realtime"
)

// serveBus returns the bus of `parley serve`: over NATS when --nats-url
// names a server, so that the instances on one database hear of each
// other's changes at once, and in process otherwise. stats, for
// /metrics, is nil for the in-process bus; close sends what is still
// queued and disconnects.
func serveBus(ctx context.Context, cfg *config.Config, events realtime.EventLog, log *slog.Logger) (bus parley.Bus, stats func() metrics.BusStats, close func(), err error) {
	if cfg.NATSURL == "" {
		return realtime.NewBus(), nil, func() {}, nil
	}
	b, err := realtime.NewNATSBus(ctx, realtime.NATSOptions{URL: cfg.NATSURL, Name: natsName("serve"), Events: events, Log: log})
	if err != nil {
		return nil, nil, nil, err
	}
	return b, func() metrics.BusStats {
		s := b.Stats()
		return metrics.BusStats{Lag: s.LastLag, Connected: s.Connected}
	}, b.Close, nil
}

// commandBus returns the bus of a management command that changes what
// running servers cache (sites, users, words, webhooks). With
// PARLEY_NATS_URL set it publishes over NATS, so that a running fleet
// hears of the change at once; without it, or when NATS does not answer,
// the servers notice within their caches' TTLs. Nothing in the command
// listens, so it never reads the event log. close must be called before
// the command exits: it sends what was published.
func commandBus(ctx context.Context, env func(string) string, stderr io.Writer) (bus parley.Bus, close func()) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	url := env("PARLEY_NATS_URL")
	if file := env("PARLEY_NATS_URL_FILE"); url == "" && file != "" { // as serve reads it
		raw, err := os.ReadFile(file)
		if err != nil {
			log.Warn("nats: running servers learn of this change when their caches expire", "err", err)
		}
		url = strings.TrimSpace(string(raw))
	}
	if url == "" {
		return realtime.NewBus(), func() {}
	}
	b, err := realtime.NewNATSBus(ctx, realtime.NATSOptions{URL: url, Name: natsName("command"), Log: log})
	if err != nil {
		log.Warn("nats: running servers learn of this change when their caches expire", "err", err)
		return realtime.NewBus(), func() {}
	}
	return b, b.Close
}

// natsName names a connection in the NATS server's monitoring.
func natsName(role string) string {
	host, _ := os.Hostname()
	return "parley " + role + " " + host
}
