// Package config turns command-line flags and PARLEY_* environment variables
// into a plain Config. Flags win over the environment, the environment over
// defaults; values are checked once, here, so the rest of Parley can trust
// them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"
)

// Config is everything `parley serve` needs to start.
type Config struct {
	Addr            string        // listen address, host:port
	Database        string        // sqlite:PATH or postgres://…
	Demo            bool          // create the demo site and serve the demo article at /
	PublicURL       string        // where browsers reach Parley, without trailing slash; see NormalizePublicURL
	LogLevel        slog.Level    // debug, info, warn or error
	ShutdownTimeout time.Duration // how long in-flight requests may finish on SIGTERM
	CacheSize       int64         // bytes of thread pages kept in memory
	MemoryLimit     int64         // bytes; MemoryLimitAuto or MemoryLimitOff (see ResolveMemoryLimit)
	SMTPURL         string        // smtp:// or smtps:// with credentials; empty: the outbox relay does not run
	MailFrom        string        // From of outgoing mail; required with SMTPURL
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (web.ClientIP); none: the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// WebhookAllowPrivate lets webhooks reach plain http and private
	// addresses (see WebhookPrivateFlag).
	WebhookAllowPrivate bool
	NATSURL             string // nats://…; empty: no bus between instances
	LogFormat           string // LogText or LogJSON
	MetricsAddr         string // listener of /metrics; empty: none
	// DrainDelay is how long readiness fails on SIGTERM before the server
	// closes (see drainFlags).
	DrainDelay time.Duration
	// MaxConnections bounds the client connections open at once; 0: from
	// the file limit (see limitFlags).
	MaxConnections int
	// ConnectionsPerAddress and LivePerAddress bound what one client
	// address holds open; 0: no bound.
	ConnectionsPerAddress int
	LivePerAddress        int
}

// Default values.
const (
	DefaultAddr     = ":8080"
	DefaultDatabase = "sqlite:parley.db"
)

// Env reads an environment variable; os.Getenv in production, a map in tests.
type Env func(key string) string

// Flags declares the flags shared by every subcommand that opens the
// database, with their PARLEY_* equivalents as defaults, and returns the
// variable they fill.
func Flags(fs *flag.FlagSet, env Env) (*string, error) {
	def, err := lookup(env, "PARLEY_DATABASE", DefaultDatabase)
	return fs.String("database", def, "database: sqlite:PATH or postgres://user@host/db (env PARLEY_DATABASE)"), err
}

// ParseServe parses the flags of `parley serve`.
func ParseServe(args []string, env Env, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &Config{}
	db, err := Flags(fs, env)
	addr, err2 := lookup(env, "PARLEY_ADDR", DefaultAddr)
	demo, err3 := lookup(env, "PARLEY_DEMO", "")
	lvl, err4 := lookup(env, "PARLEY_LOG_LEVEL", "info")
	public, err5 := lookup(env, "PARLEY_PUBLIC_URL", "")
	cache, err6 := lookup(env, "PARLEY_CACHE_SIZE", "64MiB")
	memLimit, err7 := lookup(env, "PARLEY_MEMORY_LIMIT", "auto")
	if err := errors.Join(err, err2, err3, err4, err5, err6, err7); err != nil {
		return nil, err
	}
	fs.StringVar(&c.Addr, "addr", addr, "listen address (env PARLEY_ADDR)")
	fs.BoolVar(&c.Demo, "demo", demo == "true", "create the demo site and serve a demo article at / (env PARLEY_DEMO=true)")
	fs.StringVar(&c.PublicURL, "public-url", public, "the URL browsers reach Parley at, e.g. https://comments.example.com; every absolute link and the allowed form origin are built from it (env PARLEY_PUBLIC_URL; default http://HOST:PORT of --addr, localhost for all interfaces)")
	level := fs.String("log-level", lvl, "debug, info, warn or error (env PARLEY_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "time in-flight requests get to finish on shutdown")
	fs.StringVar(&cache, "cache-size", cache, "memory for cached thread pages, e.g. 64MiB (env PARLEY_CACHE_SIZE)")
	fs.StringVar(&memLimit, "memory-limit", memLimit, "soft memory limit, e.g. 256MiB or 1GiB; auto: from the cache size and the container's limit; off (env PARLEY_MEMORY_LIMIT)")
	if err := mailFlags(fs, env, c); err != nil {
		return nil, err
	}
	if err := proxyFlags(fs, env, c); err != nil {
		return nil, err
	}
	if err := fleetFlags(fs, env, c); err != nil {
		return nil, err
	}
	if err := drainFlags(fs, env, c); err != nil {
		return nil, err
	}
	if err := limitFlags(fs, env, c); err != nil {
		return nil, err
	}
	webhookPrivate, err := WebhookPrivateFlag(fs, env)
	if err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.Database = *db
	c.WebhookAllowPrivate = *webhookPrivate
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL(c.Addr)
	}
	if normal, err := NormalizePublicURL(c.PublicURL); err == nil {
		c.PublicURL = normal // else Validate reports it
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", *level)
	}
	if c.CacheSize, err = ParseSize(cache); err != nil {
		return nil, fmt.Errorf("cache size: %w", err)
	}
	if c.MemoryLimit, err = parseMemoryLimit(memLimit); err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: %w", c.Addr, err)
	}
	if err := ValidateDatabase(c.Database); err != nil {
		return err
	}
	if _, err := NormalizePublicURL(c.PublicURL); err != nil {
		return err
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("shutdown timeout must be positive")
	}
	if c.CacheSize < 1<<20 {
		return fmt.Errorf("cache size %d: at least 1MiB", c.CacheSize)
	}
	if c.MemoryLimit != MemoryLimitAuto && c.MemoryLimit != MemoryLimitOff && c.MemoryLimit < minMemoryLimit {
		return fmt.Errorf("memory limit %d: at least %dMiB", c.MemoryLimit, minMemoryLimit>>20)
	}
	if err := c.validateFleet(); err != nil {
		return err
	}
	if err := c.validateDrain(); err != nil {
		return err
	}
	if err := c.validateLimits(); err != nil {
		return err
	}
	return c.validateMail()
}

// ValidateDatabase checks that dsn names a backend Parley has.
func ValidateDatabase(dsn string) error {
	switch {
	case strings.HasPrefix(dsn, "sqlite:") && len(dsn) > len("sqlite:"):
		return nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil
	}
	return fmt.Errorf("database %q: use sqlite:PATH or postgres://…", dsn)
}

// lookup returns the environment's value for key, or def. A key with the
// suffix _FILE set instead names a file holding the value, so that secrets
// such as a database password need not sit in the environment; a file that
// cannot be read is an error, never a silent fall back to the default.
func lookup(env Env, key, def string) (string, error) {
	if v := env(key); v != "" {
		return v, nil
	}
	path := env(key + "_FILE")
	if path == "" {
		return def, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}
