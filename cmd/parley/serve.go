package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/config"
	"parley/internal/embed"
	"parley/internal/httpapi"
	"parley/internal/markup"
	"parley/internal/metrics"
	"parley/internal/netlimit"
	"parley/internal/pagecache"
	"parley/internal/realtime"
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
	log := newLogger(cfg, stderr)
	defer limitMemory(cfg, env, log)()
	store, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer store.Close()
	m, stopMetrics, err := startMetrics(cfg, store, log)
	if err != nil {
		return err
	}
	defer stopMetrics() // after the drain, so that it can be watched
	var d drain

	ln, err := listen(cfg, m, log)
	if err != nil {
		return err
	}
	defer ln.Close()
	public := config.PublicURLOn(cfg.PublicURL, ln.Addr())
	wakeFollow, stopFollow, err := startFollow(cfg, store, log)
	if err != nil {
		return err
	}
	defer stopFollow()
	bus, busStats, closeBus, err := serveBus(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	defer closeBus() // after the HTTP server: requests still finishing publish
	handler, closeLive, err := newHandler(ctx, store, log, handlerConfig{PublicURL: public, Demo: cfg.Demo, CacheSize: cfg.CacheSize, Mail: cfg.SMTPURL != "", TrustedProxies: cfg.TrustedProxies,
		Changed: wakeFollow, WebhookAllowPrivate: cfg.WebhookAllowPrivate, Metrics: m, Draining: d.Draining, Bus: bus, BusStats: busStats,
		LivePerAddress: cfg.LivePerAddress})
	if err != nil {
		return err
	}
	stopRelay, err := startRelay(cfg, store, public, log)
	if err != nil {
		return err
	}
	defer stopRelay() // after the HTTP server: requests still finishing may enqueue mail
	stopNotifier, err := startNotifier(store, public, log)
	if err != nil {
		return err
	}
	defer stopNotifier()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ConnContext:       netlimit.ConnContext, // marks the connections the listener refused
	}
	srv.RegisterOnShutdown(closeLive) // live streams never go idle by themselves
	log.Info("parley listening", "addr", ln.Addr().String(), "public_url", public, "database", backendName(cfg.Database), "demo", cfg.Demo)
	purgeCtx, stopPurge := context.WithCancel(ctx)
	defer stopPurge()
	go purgeExpired(purgeCtx, store, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	err = d.shutdown(ctx, srv, errc, cfg, log)
	closeLive() // Shutdown does not wait for the detached live streams: their goodbyes
	return err
}

// streamsGoodbye bounds the wait for live streams to send their goodbye
// on shutdown.
const streamsGoodbye = 5 * time.Second

// purgeEvery is how often expired sessions and SSO token IDs are deleted.
// Nothing reads them once expired, so this only bounds the tables' size;
// every instance purges, and a purge that finds nothing is one indexed
// range scan per table.
const purgeEvery = time.Hour

// purgeExpired deletes expired sessions and token IDs until ctx ends.
func purgeExpired(ctx context.Context, store parley.Store, log *slog.Logger) {
	tick := time.NewTicker(purgeEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := store.PurgeExpired(ctx, parley.Now())
		if err != nil {
			log.WarnContext(ctx, "purge expired sessions", "err", err)
		} else {
			log.DebugContext(ctx, "purged expired sessions and token IDs", "rows", n)
		}
		if n, err := store.PurgeSignIns(ctx, parley.Now()); err != nil {
			log.WarnContext(ctx, "purge expired sign-in links", "err", err)
		} else {
			log.DebugContext(ctx, "purged expired sign-in links and codes", "rows", n)
		}
		purgeAddresses(ctx, store, parley.Now(), log)
		// A notifier's name and address are kept to tell them the outcome
		// and while the decision can still be contested, not longer.
		if n, err := store.ForgetNotifiers(ctx, parley.Now().Add(-parley.ComplaintWindow)); err != nil {
			log.WarnContext(ctx, "forget notifiers", "err", err)
		} else {
			log.DebugContext(ctx, "forgot the contact details of decided notices", "rows", n)
		}
	}
}

// purgeAddresses forgets the address hashes that each site's IP retention
// has run out for.
func purgeAddresses(ctx context.Context, store parley.Store, now time.Time, log *slog.Logger) {
	sites, err := store.Sites(ctx)
	if err != nil {
		log.WarnContext(ctx, "purge addresses: sites", "err", err)
		return
	}
	for _, s := range sites {
		n, err := store.PurgeAddresses(ctx, s.ID, now.Add(-s.Privacy.Retention()))
		if err != nil {
			log.WarnContext(ctx, "purge addresses", "site", s.ID, "err", err)
			continue
		}
		log.DebugContext(ctx, "purged address hashes", "site", s.ID, "rows", n)
	}
}

// handlerConfig is what newHandler needs to know besides the store.
type handlerConfig struct {
	PublicURL string // normalized, see config.NormalizePublicURL
	Demo      bool
	CacheSize int64 // bytes of thread pages kept in memory; 0 for the default
	// RequestTimeout bounds a request's wait for the database; 0 for
	// requestTimeout.
	RequestTimeout time.Duration
	// Mail says that this server sends mail (--smtp-url): e-mail sign-in
	// links are refused without it.
	Mail bool
	// Now is the clock of sign-ins and sessions, for tests; nil: the wall clock.
	Now func() time.Time
	// TrustedProxies name the proxies whose X-Forwarded-For gives the
	// client address (web.ClientIP).
	TrustedProxies []netip.Prefix
	// Changed, if set, is called on every committed change to a story
	// (the log follower's Wake); it must not block.
	Changed func()
	// WebhookAllowPrivate lets webhook endpoints be plain http and
	// private addresses (--webhook-allow-private).
	WebhookAllowPrivate bool
	// Metrics, if set, times the requests and watches the page cache,
	// the bus and the live streams (observe.go).
	Metrics *metrics.Metrics
	// BusStats, if set, reports the bus between instances (the NATS
	// bus's lag and connection) to Metrics; nil: the in-process bus.
	BusStats func() metrics.BusStats
	// Draining, if set, says the server is shutting down: readiness
	// fails (drain.go).
	Draining func() bool
	// Bus carries committed events (see serveBus); nil: one in process.
	Bus parley.Bus
	// LivePerAddress bounds the live streams of one client address; 0:
	// no bound (httpapi.WithLiveLimit).
	LivePerAddress int
}

// formKeyName names the Store.Key that signs the block's form tokens.
const formKeyName = "form-token"

// addressKeyName names the Store.Key from which the daily keys of address
// hashes are derived.
const addressKeyName = "address"

// newHandler wires the service, the API and the HTML block into one
// handler. closeLive ends the live streams, for shutdown.
func newHandler(ctx context.Context, store parley.Store, log *slog.Logger, hc handlerConfig) (h http.Handler, closeLive func(), err error) {
	formKey, err := store.Key(ctx, formKeyName)
	if err != nil {
		return nil, nil, fmt.Errorf("form key: %w", err)
	}
	// The bus is the only link between the service and what it changes:
	// the page cache, the live hub and the allowed origins subscribe.
	bus := hc.Bus
	if bus == nil {
		bus = realtime.NewBus()
	}
	addressSecret, err := store.Key(ctx, addressKeyName)
	if err != nil {
		return nil, nil, fmt.Errorf("address key: %w", err)
	}
	opts := []service.Option{service.WithSSO(auth.NewSSO(auth.NewJWKS(nil, nil), nil)),
		service.WithSignInLinks(service.SignInLinks{PublicURL: hc.PublicURL, Mail: hc.Mail, Return: embed.ReturnChecker(hc.PublicURL)}),
		service.WithPublicOrigin(config.Origin(hc.PublicURL)),
		service.WithOIDC(auth.NewOIDC(nil, nil), hc.PublicURL),
		service.WithAddressSecret(addressSecret), service.WithWebhookPrivate(hc.WebhookAllowPrivate)}
	if hc.Now != nil {
		opts = append(opts, service.WithClock(hc.Now))
	}
	svc := service.New(store, markup.New(), bus, log, opts...)
	if hc.Changed != nil {
		if _, err := bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, func(parley.Event) { hc.Changed() }); err != nil {
			return nil, nil, fmt.Errorf("follow the bus: %w", err)
		}
	}
	size := hc.CacheSize
	if size <= 0 {
		size = pagecache.DefaultSize
	}
	pages, err := pagecache.New(size, bus)
	if err != nil {
		return nil, nil, fmt.Errorf("page cache: %w", err)
	}
	hub, err := realtime.New(store, realtime.Renderer(svc), bus, log)
	if err != nil {
		return nil, nil, fmt.Errorf("live hub: %w", err)
	}
	// One authenticator for every surface, so that a credential means the
	// same on each and the origin goes into the context in one place.
	tokens := auth.NewCommenterTokens(store, nil)
	if _, err := tokens.Follow(bus); err != nil { // for the process's life, as the page cache
		return nil, nil, fmt.Errorf("commenter tokens: %w", err)
	}
	authn := auth.New(config.Origin(hc.PublicURL), tokens, auth.NewSessions(store, svc, hc.Now))
	timeout := hc.RequestTimeout
	if timeout <= 0 {
		timeout = requestTimeout
	}
	api, err := httpapi.New(svc, httpapi.Deps{Auth: authn, Live: countStreams(hc.Metrics, hub), Pages: pages, Bus: bus}, log,
		httpapi.WithPublicOrigin(config.Origin(hc.PublicURL)), httpapi.WithDraining(hc.Draining), httpapi.WithRequestTimeout(timeout),
		httpapi.WithLiveLimit(hc.LivePerAddress, hc.TrustedProxies))
	if err != nil {
		return nil, nil, fmt.Errorf("api: %w", err)
	}
	block := embed.New(svc, log, embed.Config{Auth: authn, PublicURL: hc.PublicURL, FormKey: formKey, OIDC: svc, TrustedProxies: hc.TrustedProxies})

	mux := http.NewServeMux()
	api.Register(mux) // on this mux, so that a request is routed once
	block.Register(mux)
	block.SignIn(svc).Register(mux)
	mux.Handle("GET /embed.js", widget.Handler())
	mux.Handle("GET /embed-account.js", widget.AccountHandler())
	mux.Handle("GET /embed-inbox.js", widget.InboxHandler())
	mux.Handle("GET /embed-notice.js", widget.NoticeHandler())
	closeAdmin, err := mountAdmin(ctx, mux, store, svc, bus, log, hc)
	if err != nil {
		return nil, nil, err
	}
	mux.Handle("GET /embed-pipeline.js", widget.PipelineHandler())
	if hc.Demo {
		if err := ensureDemo(ctx, store, svc, log, bus); err != nil {
			return nil, nil, err
		}
		mux.Handle("GET /{$}", block.DemoPage())
	}
	routed, err := instrument(hc.Metrics, mux, pages, hc.BusStats)
	if err != nil {
		return nil, nil, err
	}
	// A cached page 1 is answered before routing (api.ServeCached), with
	// its security headers and request ID. HSTS only where browsers reach
	// us over HTTPS.
	h = web.WithClientAddress(withDeadline(routed, timeout), hc.TrustedProxies)
	h = web.Front(h, api.ServeCached, routeObserver(hc.Metrics))
	// Streams detached from net/http (httpapi/events_detach.go) are not
	// waited for by Shutdown: closeLive waits for their goodbyes, and
	// serve calls it once more after Shutdown, so that it returns after.
	var closing sync.Once
	closeLive = func() {
		closing.Do(func() { hub.Close(); closeAdmin() })
		hub.WaitStreams(streamsGoodbye)
	}
	// A connection over the listener's limits gets its 503 before anything
	// else runs, with the security headers of every answer.
	h = netlimit.Guard(h, api.Busy)
	return web.NewHeaders(h, strings.HasPrefix(hc.PublicURL, "https://")), closeLive, nil
}

// limitMemory applies the memory limit (see config.ResolveMemoryLimit)
// and returns the function that restores the previous one, since the
// limit belongs to the process and end-to-end tests run serve inside
// theirs. GOMEMLIMIT in the environment, the runtime's own setting, wins
// over auto.
func limitMemory(cfg *config.Config, env func(string) string, log *slog.Logger) (restore func()) {
	if cfg.MemoryLimit == config.MemoryLimitAuto && env("GOMEMLIMIT") != "" {
		log.Info("memory limit", "limit", env("GOMEMLIMIT"), "from", "GOMEMLIMIT")
		return func() {}
	}
	cgroup := config.CgroupMemoryLimit("/")
	limit, why := cfg.ResolveMemoryLimit(cgroup)
	prev := debug.SetMemoryLimit(limit)
	if limit == math.MaxInt64 {
		log.Info("memory limit", "limit", "off")
	} else {
		log.Info("memory limit", "mib", limit>>20, "from", why, "cache_mib", cfg.CacheSize>>20, "cgroup_mib", cgroup>>20)
	}
	return func() { debug.SetMemoryLimit(prev) }
}

// backendName names the database kind without its credentials, for logs.
func backendName(dsn string) string {
	if len(dsn) > 7 && dsn[:7] == "sqlite:" {
		return dsn
	}
	return "postgres"
}
