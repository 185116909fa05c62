package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"parley/internal/importer/disqus/disqusgen"
)

// importRSSLimit is the issue's bound on the importer's peak RSS ("a 1 GB
// file imports with peak RSS under 200 MB").
const importRSSLimit = 200 << 20

// importResult is one `parley import disqus` run, as the import scenario
// measured it from outside.
type importResult struct {
	Backend   string        `json:"backend"`
	Comments  int           `json:"comments"` // generated, before the duplicates a fault adds
	FileBytes int64         `json:"fileBytes"`
	Wall      time.Duration `json:"wallNanos"`
	Rate      float64       `json:"commentsPerSec"`
	PeakRSS   int64         `json:"peakRssBytes"` // the child's ru_maxrss
	Summary   string        `json:"summary"`      // the command's last lines of output
}

// runImport generates a Disqus export of cfg.Comments comments (or reuses
// cfg.ImportFile), and times `parley import disqus` on it into a fresh
// SQLite file and, with cfg.Postgres, a fresh PostgreSQL database.
func runImport(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "parley-import-")
	if err != nil {
		return fmt.Errorf("import scenario: %w", err)
	}
	defer os.RemoveAll(dir)
	file, err := exportFile(cfg, dir, stderr)
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("import scenario: %w", err)
	}
	bin, err := parleyBinary(ctx, cfg, dir, stderr)
	if err != nil {
		return err
	}
	var results []importResult
	res, err := importInto(ctx, cfg, bin, file, "sqlite", "sqlite:"+filepath.Join(dir, "import.db"), stderr)
	results = append(results, res)
	if err == nil && cfg.Postgres != "" {
		var dsn string
		var drop func()
		if dsn, drop, err = freshDatabase(ctx, cfg.Postgres); err == nil {
			res, err = importInto(ctx, cfg, bin, file, "postgres", dsn, stderr)
			results = append(results, res)
			drop()
		}
	}
	for i := range results {
		results[i].FileBytes = st.Size()
	}
	writeImportTable(stdout, results)
	if err != nil {
		return err
	}
	if cfg.JSON != "" {
		data, err := json.MarshalIndent(results, "", "  ")
		if err == nil {
			err = os.WriteFile(cfg.JSON, append(data, '\n'), 0o644)
		}
		if err != nil {
			return fmt.Errorf("write results: %w", err)
		}
	}
	return ctx.Err()
}

// exportFile returns the export to import: cfg.ImportFile when it exists,
// else one generated there (kept) or in dir (removed after the run).
func exportFile(cfg config, dir string, log io.Writer) (string, error) {
	file := cfg.ImportFile
	if file != "" {
		if _, err := os.Stat(file); err == nil {
			fmt.Fprintf(log, "import: reusing %s\n", file)
			return file, nil
		}
	} else {
		file = filepath.Join(dir, "disqus.xml")
	}
	f, err := os.Create(file)
	if err != nil {
		return "", fmt.Errorf("import scenario: %w", err)
	}
	begin := time.Now()
	var rep disqusgen.Report
	err = disqusgen.Generate(f, disqusgen.Options{
		Comments: cfg.Comments, Threads: cfg.Threads, Seed: textSeed,
		FaultRate: cfg.FaultRate, Report: &rep,
	})
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(file)
		return "", fmt.Errorf("import scenario: generate: %w", err)
	}
	fmt.Fprintf(log, "import: generated %s in %v: %d threads (%d deleted), %d posts, %.1f MiB, faults %v\n",
		file, time.Since(begin).Round(time.Millisecond), rep.Threads, rep.DeletedThreads, rep.Posts,
		float64(rep.Bytes)/(1<<20), rep.Faults)
	return file, nil
}

// parleyBinary returns cfg.Parley, or builds ./cmd/parley into dir (the
// bench is run from the repository's root).
func parleyBinary(ctx context.Context, cfg config, dir string, log io.Writer) (string, error) {
	if cfg.Parley != "" {
		return cfg.Parley, nil
	}
	bin := filepath.Join(dir, "parley")
	fmt.Fprintln(log, "import: building ./cmd/parley")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/parley")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("import scenario: go build ./cmd/parley (run the bench from the repository's root, or give -parley): %w\n%s", err, out)
	}
	return bin, nil
}

// importInto prepares the database (migrate, create the site) and times
// the import into it.
func importInto(ctx context.Context, cfg config, bin, file, backend, db string, log io.Writer) (importResult, error) {
	res := importResult{Backend: backend, Comments: cfg.Comments}
	for _, args := range [][]string{
		{"migrate", "--database", db},
		{"site", "create", "--database", db, "--id", cfg.Site, "--name", "Import-Bench", "--anonymous"},
	} {
		if _, err := runChild(exec.CommandContext(ctx, bin, args...)); err != nil {
			return res, fmt.Errorf("import scenario (%s): parley %s: %w", backend, args[0], err)
		}
	}
	fmt.Fprintf(log, "import: %s: parley import disqus %s\n", backend, file)
	run, err := runChild(exec.CommandContext(ctx, bin, importArgs(file, cfg.Site, db)...))
	res.Wall, res.PeakRSS, res.Summary = run.wall, run.maxRSS, lastLines(run.output, 12)
	if n, ok := importedComments(run.output); ok {
		res.Comments = n // what was written, not what -comments asked for of a file that may be reused
	}
	if res.Wall > 0 {
		res.Rate = float64(res.Comments) / res.Wall.Seconds()
	}
	if err != nil {
		return res, fmt.Errorf("import scenario (%s): parley import: %w", backend, err)
	}
	return res, nil
}

// importedComments reads "comments: N" from the import's summary.
func importedComments(out []byte) (int, bool) {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "comments:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return n, err == nil
		}
	}
	return 0, false
}

// importArgs is the command line of the timed import.
func importArgs(file, site, db string) []string {
	return []string{"import", "disqus", file, "--site", site, "--progress", "none", "--database", db}
}

// childRun is what a finished child process cost.
type childRun struct {
	wall   time.Duration
	maxRSS int64 // bytes
	output []byte
}

// runChild runs cmd to its end and measures its wall time and peak RSS
// (ru_maxrss of wait4, in KiB on Linux).
func runChild(cmd *exec.Cmd) (childRun, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	err := cmd.Run()
	r := childRun{wall: time.Since(begin), output: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss << 10
		}
	}
	if err != nil {
		return r, fmt.Errorf("%w\n%s", err, lastLines(r.output, 20))
	}
	return r, nil
}

// lastLines is the last n lines of out.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// freshDatabase creates an empty database on the server of dsn and
// returns its URL and a func that drops it.
func freshDatabase(ctx context.Context, dsn string) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("-postgres %q: want a postgres:// URL", dsn)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "parley_bench_import_" + hex.EncodeToString(b[:])
	if err := pgExec(ctx, dsn, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("import scenario: create database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		pgExec(ctx, dsn, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}

// pgExec runs one statement on a connection of its own.
func pgExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// writeImportTable prints the runs and the RSS check.
func writeImportTable(w io.Writer, rs []importResult) {
	fmt.Fprintln(w, "| backend | comments | file | wall | comments/s | peak RSS |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s | %.1f MiB | %v | %s | %.1f MiB |\n", r.Backend, thousands(float64(r.Comments)),
			float64(r.FileBytes)/(1<<20), r.Wall.Round(time.Millisecond), thousands(r.Rate), float64(r.PeakRSS)/(1<<20))
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		verdict := "PASS"
		if r.PeakRSS > importRSSLimit || r.PeakRSS == 0 {
			verdict = "MISS"
		}
		fmt.Fprintf(w, "- %s peak RSS of parley import (%s): %.1f MiB (target <= %d MiB)\n",
			verdict, r.Backend, float64(r.PeakRSS)/(1<<20), importRSSLimit>>20)
	}
	for _, r := range rs {
		if r.Summary != "" {
			fmt.Fprintf(w, "\n%s:\n%s\n", r.Backend, r.Summary)
		}
	}
}
