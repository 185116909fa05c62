// Command bench is Parley's load generator. Run it against a running
// `parley serve --demo`: it measures anonymous writes, seeds a small and a
// large story through the API, measures cached page-1 reads of both, and
// compares each read with a same-process server that replays Parley's exact
// bytes from memory. Its posters all post from loopback, so the demo site is
// created first with `parley site create … --rate-limit off`, or nearly
// every write would be a 429. See README.md for how to run it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"time"
)

// config is the parsed command line.
type config struct {
	Addr        string
	Site        string
	Duration    time.Duration
	Writers     int
	Readers     int
	Seeders     int
	Small       int
	Large       int
	Reuse       bool
	JSON        string
	SkipWrites  bool
	WritesOnly  bool // stop after the write runs: no seeding, no reads
	SeedTimeout time.Duration

	// Signed-in writes and a second server to compare reads with.
	SSOSecretFile string // the site's HS256 secret: also measure signed-in writes
	SSOKID        string // its kid
	Compare       string // base URL of another Parley whose reads to compare
	ComparePID    int    // its process, for the server CPU per request
	// ModeratedSite is a second site with the moderation pipeline on,
	// whose writes are measured against Site's (pipeline.go).
	ModeratedSite string
	// WriteBaselineDir holds the durable-append baseline's log (appendlog.go).
	WriteBaselineDir string

	// The memory and idle scenarios (see README.md).
	Scenario    string        // "standard", "memory", "idle", "live", "fleet" or "import"
	PID         int           // the server's process, for /proc/PID
	GCTrace     string        // the server's stderr with GODEBUG=gctrace=1
	Stories     int           // stories read (memory) or streamed (idle)
	PerStory    int           // comments seeded per story (memory)
	CacheBudget int64         // the server's page-cache budget, bytes
	Probes      int           // comments timed from post to stream (idle, live, fleet)
	Hot         int           // readers on the hot story (live; -1: a tenth of -readers)
	Hold        time.Duration // keep the live readers open after the probes, for a profile
	TotalWrites int           // writes before the settle step (memory; 0: skip it)
	Settle      time.Duration
	// Addrs are the instances of the fleet scenario (fleet.go): comments
	// are posted on the first and read live on every one.
	Addrs []string

	// The import scenario (import.go): a generated Disqus export imported
	// by the parley command as a child process.
	Comments   int     // comments in the generated export
	Threads    int     // threads they are spread over (0: a thread per 200 comments)
	FaultRate  float64 // share of records with an export fault
	ImportFile string  // the export: reused when it exists, else generated there and kept
	Parley     string  // the parley binary (default: built from ./cmd/parley)
	Postgres   string  // also import into a fresh database on this server
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) == 3 && os.Args[1] == serveBaselineArg {
		if err := serveBaseline(ctx, os.Args[2], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "bench baseline:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err == nil {
		err = run(ctx, cfg, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line into a config and validates it.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", "http://127.0.0.1:8080", "base URL of the running Parley server (loopback only)")
	fs.StringVar(&c.Site, "site", "demo", "site ID; it must allow anonymous posting")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "length of each timed scenario")
	fs.IntVar(&c.Writers, "writers", 16, "concurrent posters in the write scenario")
	fs.IntVar(&c.Readers, "readers", 64, "concurrent keep-alive connections in the read scenarios")
	fs.IntVar(&c.Seeders, "seeders", 32, "concurrent posters while seeding")
	fs.IntVar(&c.Small, "small", 1000, "comments in the small story")
	fs.IntVar(&c.Large, "large", 100000, "comments in the large story")
	fs.BoolVar(&c.Reuse, "reuse", false, "use fixed story IDs and skip seeding stories that are already big enough")
	fs.StringVar(&c.JSON, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&c.SkipWrites, "skip-writes", false, "skip the timed write scenario")
	fs.BoolVar(&c.WritesOnly, "writes-only", false, "run only the timed write scenarios (no seeding, no reads), to compare builds' writes")
	fs.DurationVar(&c.SeedTimeout, "seed-timeout", 30*time.Minute, "upper bound for seeding both stories")
	fs.StringVar(&c.SSOSecretFile, "sso-secret-file", "", "file with the site's HS256 SSO secret: also measure writes by posters signed in by SSO")
	fs.StringVar(&c.SSOKID, "sso-kid", "bench", "the kid of -sso-secret-file's secret, as given to parley site update --sso-kid")
	fs.StringVar(&c.Compare, "compare", "", "base URL of a second Parley server (another build, loopback only) whose cached page-1 reads are measured in the same run")
	fs.StringVar(&c.WriteBaselineDir, "write-baseline-dir", "", "directory of the write baseline's log file, on the disk of Parley's database (default: the system's temporary directory)")
	fs.StringVar(&c.ModeratedSite, "moderated-site", "", "a second anonymous site on the same server with the moderation pipeline on (words, rules, local scorer): also measure its writes against -site's, in the same run")
	fs.StringVar(&c.Scenario, "scenario", "standard", "standard (writes and reads), memory (RSS under reads of many stories), idle (CPU of idle live streams), live (-readers SSE readers: memory per reader, post-to-receipt latency, lost events), fleet (post on one instance, receipt on the others; needs -addrs) or import (parley import disqus of a generated export: comments/s and peak RSS)")
	fs.IntVar(&c.PID, "pid", 0, "the server's process ID (memory and idle scenarios; in the standard one, to report its CPU time per request)")
	fs.IntVar(&c.ComparePID, "compare-pid", 0, "the -compare server's process ID, to report its CPU time per request")
	fs.StringVar(&c.GCTrace, "gctrace", "", "file with the server's stderr, run with GODEBUG=gctrace=1 (memory scenario)")
	fs.IntVar(&c.Stories, "stories", 0, "stories to read (memory, default 5000) or to stream (idle, default 2000)")
	fs.IntVar(&c.PerStory, "per-story", 16, "top-level comments seeded per story (memory scenario)")
	cacheMiB := fs.Int64("cache-mib", 64, "the server's page-cache budget in MiB (memory scenario)")
	fs.IntVar(&c.Probes, "probes", 50, "comments timed from post to stream (idle, live and fleet scenarios)")
	fs.IntVar(&c.Hot, "hot", -1, "readers on the one hot story (live scenario; default a tenth of -readers)")
	fs.DurationVar(&c.Hold, "hold", 0, "keep the readers open this long after the probes, to profile the server (live scenario)")
	fs.IntVar(&c.TotalWrites, "total-writes", 100_000, "writes after which RSS must come back near its idle value (memory scenario; 0 skips the step)")
	fs.DurationVar(&c.Settle, "settle", 30*time.Second, "wait after -total-writes before RSS is read again (memory scenario)")
	fs.IntVar(&c.Comments, "comments", 100_000, "import scenario: comments in the generated Disqus export (the issue's figure is 1000000)")
	fs.IntVar(&c.Threads, "threads", 0, "import scenario: threads of the generated export (default: one per 200 comments)")
	fs.Float64Var(&c.FaultRate, "fault-rate", 0.01, "import scenario: share of threads and posts carrying an export fault the import repairs")
	fs.StringVar(&c.ImportFile, "import-file", "", "import scenario: the export; reused when it exists, else generated there and kept (default: a temporary file)")
	fs.StringVar(&c.Parley, "parley", "", "import scenario: the parley binary to run (default: go build ./cmd/parley)")
	fs.StringVar(&c.Postgres, "postgres", "", "import scenario: a postgres:// URL on whose server a fresh database is created for a second import, and dropped after")
	addrs := fs.String("addrs", "", "fleet scenario: base URLs of the instances, comma-separated; comments are posted on the first, -readers streams read on each")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *addrs != "" {
		var err error
		if c.Addrs, err = parseAddrs(*addrs); err != nil {
			return c, err
		}
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	c.CacheBudget = *cacheMiB << 20
	if c.Threads == 0 {
		c.Threads = max(1, c.Comments/200)
	}
	if c.Stories == 0 {
		c.Stories = map[string]int{"memory": 5000, "idle": 2000, "live": 1000}[c.Scenario]
	}
	return c, c.validate()
}

// validate rejects settings that would make the run meaningless or send
// load anywhere but to this machine.
func (c config) validate() error {
	u, err := url.Parse(c.Addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-addr %q: want a URL such as http://127.0.0.1:8080", c.Addr)
	}
	if !isLoopback(u.Hostname()) {
		return fmt.Errorf("-addr %q: only loopback addresses are allowed", c.Addr)
	}
	if c.ComparePID != 0 && c.Compare == "" {
		return errors.New("-compare-pid needs -compare")
	}
	if c.Compare != "" {
		u, err := url.Parse(c.Compare)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !isLoopback(u.Hostname()) || c.Compare == c.Addr {
			return fmt.Errorf("-compare %q: want a loopback URL of a second server, such as http://127.0.0.1:8081", c.Compare)
		}
	}
	switch {
	case c.Duration <= 0 || c.Duration > time.Hour:
		return fmt.Errorf("-duration %v: want between 0 and 1h", c.Duration)
	case c.Writers < 1 || c.Readers < 1 || c.Seeders < 1:
		return errors.New("-writers, -readers and -seeders must be at least 1")
	case c.Small < 1 || c.Large <= c.Small:
		return errors.New("-small must be at least 1 and -large greater than -small")
	case c.SeedTimeout <= 0:
		return errors.New("-seed-timeout must be positive")
	}
	return c.validateScenario()
}

// validateScenario checks what the memory and idle scenarios need.
func (c config) validateScenario() error {
	switch c.Scenario {
	case "", "standard":
		return nil
	case "memory", "idle", "live":
	case "import":
		switch {
		case c.Comments < 1 || c.Threads < 1 || c.Threads > 10_000_000:
			return errors.New("-scenario import needs -comments ≥ 1 and -threads from 1 to 10,000,000")
		case c.FaultRate < 0 || c.FaultRate > 1:
			return errors.New("-fault-rate is a share, from 0 to 1")
		}
		return nil
	case "fleet":
		if len(c.Addrs) < 2 || c.Probes < 1 {
			return errors.New("-scenario fleet needs -addrs of at least two instances and -probes ≥ 1")
		}
		return nil
	default:
		return fmt.Errorf("-scenario %q: want standard, memory, idle, live, fleet or import", c.Scenario)
	}
	switch {
	case c.PID < 1:
		return fmt.Errorf("-scenario %s needs -pid of the server", c.Scenario)
	case c.Scenario == "memory" && c.GCTrace == "":
		return errors.New("-scenario memory needs -gctrace: the server's stderr with GODEBUG=gctrace=1")
	case c.Stories < 1 || c.Stories > 100_000 || c.PerStory < 1 || c.Probes < 1 || c.CacheBudget < 0:
		return errors.New("-stories (1..100000), -per-story, -probes and -cache-mib must be positive")
	case c.Scenario == "live" && c.Hot > c.Readers:
		return errors.New("-hot must not exceed -readers")
	case c.TotalWrites < 0 || c.Settle < 0:
		return errors.New("-total-writes and -settle must not be negative")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
