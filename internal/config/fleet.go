package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
)

// Log formats of --log-format.
const (
	LogText = "text"
	LogJSON = "json"
)

// fleetFlags declares the settings that matter once several instances run
// side by side: the bus between them, the log format a collector reads,
// and the listener Prometheus scrapes.
func fleetFlags(fs *flag.FlagSet, env Env, c *Config) error {
	natsURL, err := lookup(env, "PARLEY_NATS_URL", "")
	if err != nil {
		return err
	}
	format, err := lookup(env, "PARLEY_LOG_FORMAT", LogText)
	if err != nil {
		return err
	}
	metrics, err := lookup(env, "PARLEY_METRICS_ADDR", "")
	if err != nil {
		return err
	}
	fs.StringVar(&c.NATSURL, "nats-url", natsURL, "NATS server(s), e.g. nats://127.0.0.1:4222, comma-separated; instances on one database then see each other's changes at once (env PARLEY_NATS_URL; empty: this instance alone)")
	fs.StringVar(&c.LogFormat, "log-format", format, "text or json (env PARLEY_LOG_FORMAT)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", metrics, "listen address of the Prometheus endpoint /metrics, e.g. :9464; kept off the public listener (env PARLEY_METRICS_ADDR; empty: no metrics)")
	return nil
}

// validateFleet checks the settings of fleetFlags.
func (c *Config) validateFleet() error {
	if c.LogFormat != LogText && c.LogFormat != LogJSON {
		return fmt.Errorf("log format %q: use text or json", c.LogFormat)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("metrics addr %q: %w", c.MetricsAddr, err)
		}
	}
	if c.NATSURL != "" {
		u, err := url.Parse(c.NATSURL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("nats url %q: use nats://host:port", c.NATSURL)
		}
	}
	return nil
}
