package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"parley"
	"parley/internal/config"
	"parley/internal/embed"
	"parley/internal/httpapi"
	"parley/internal/markup"
	"parley/internal/service"
	"parley/internal/web"
	"parley/widget"
)

// serve runs `parley serve` until ctx is cancelled, then drains requests.
func serve(ctx context.Context, args []string, env func(string) string, stderr io.Writer) error {
	cfg, err := config.ParseServe(args, env, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	store, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer store.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	public := config.PublicURLOn(cfg.PublicURL, ln.Addr())
	handler, closeLive, err := newHandler(ctx, store, log, handlerConfig{PublicURL: public, Demo: cfg.Demo})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(closeLive) // live streams never go idle by themselves
	log.Info("parley listening", "addr", ln.Addr().String(), "public_url", public, "database", backendName(cfg.Database), "demo", cfg.Demo)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// handlerConfig is what newHandler needs to know besides the store.
type handlerConfig struct {
	PublicURL string // normalized, see config.NormalizePublicURL
	Demo      bool
}

// formKeyName names the Store.Key that signs the block's form tokens.
const formKeyName = "form-token"

// newHandler wires the service, the API and the HTML block into one
// handler. closeLive ends the live streams, for shutdown.
func newHandler(ctx context.Context, store parley.Store, log *slog.Logger, hc handlerConfig) (h http.Handler, closeLive func(), err error) {
	formKey, err := store.Key(ctx, formKeyName)
	if err != nil {
		return nil, nil, fmt.Errorf("form key: %w", err)
	}
	var api *httpapi.API
	notify := func(ev parley.Event) { api.Notify(ev) }
	svc := service.New(store, markup.New(), log, service.WithNotify(notify))
	api = httpapi.New(svc, store, log, httpapi.WithPublicOrigin(config.Origin(hc.PublicURL)))
	block := embed.New(svc, log, embed.Config{PublicURL: hc.PublicURL, FormKey: formKey})

	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/healthz", api)
	mux.Handle("/readyz", api)
	block.Register(mux)
	mux.Handle("GET /embed.js", widget.Handler())
	if hc.Demo {
		if err := ensureDemo(ctx, store, svc, log, notify); err != nil {
			return nil, nil, err
		}
		mux.Handle("GET /{$}", block.DemoPage())
	}
	// https is false until the public URL says otherwise: the lead wires
	// strings.HasPrefix(cfg.PublicURL, "https://") here once that flag lands
	// HSTS only where browsers reach us over HTTPS.
	return web.NewHeaders(mux, strings.HasPrefix(hc.PublicURL, "https://")), api.Close, nil
}

// backendName names the database kind without its credentials, for logs.
func backendName(dsn string) string {
	if len(dsn) > 7 && dsn[:7] == "sqlite:" {
		return dsn
	}
	return "postgres"
}
