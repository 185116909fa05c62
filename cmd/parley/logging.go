package main

import (
	"io"
	"log/slog"

	"parley/internal/config"
	"parley/internal/web"
)

// newLogger is the server's logger: text for people, JSON (--log-format
// json) for a collector. Either way a line logged with a request's
// context carries the request's ID (web.LogHandler), so that every line
// of one request can be found from the X-Request-Id a reader quotes.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler
	if cfg.LogFormat == config.LogJSON {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(web.LogHandler(h))
}
