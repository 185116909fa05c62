package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"parley/internal/store/postgres/pgtest"
)

// fakeParleyCommand writes a script that stands in for the parley command: it
// appends its arguments to a log and answers an import with a summary.
// The real `parley import disqus` is run by the scenario itself.
func fakeParleyCommand(t *testing.T) (bin, log string) {
	dir := t.TempDir()
	bin, log = filepath.Join(dir, "parley"), filepath.Join(dir, "args.log")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n" +
		"if [ \"$1\" = import ]; then test -s \"$3\" || exit 3; echo 'imported 42 comments'; fi\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log
}

func TestImportScenario(t *testing.T) {
	bin, log := fakeParleyCommand(t)
	c, err := parseFlags([]string{"-scenario", "import", "-comments", "300", "-site", "news", "-parley", bin,
		"-json", filepath.Join(t.TempDir(), "out.json")}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Threads != 1 {
		t.Errorf("%d threads for 300 comments, want 1 (one per 200)", c.Threads)
	}
	var out bytes.Buffer
	if err := run(t.Context(), c, &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	args, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(args)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "migrate --database sqlite:") ||
		!strings.HasPrefix(lines[1], "site create --database sqlite:") ||
		!strings.HasPrefix(lines[2], "import disqus ") || !strings.Contains(lines[2], "--site news --progress none --database sqlite:") {
		t.Errorf("the commands run:\n%s", args)
	}
	if !strings.Contains(out.String(), "| sqlite | 300 |") || !strings.Contains(out.String(), "imported 42 comments") ||
		!strings.Contains(out.String(), "PASS peak RSS of parley import (sqlite)") {
		t.Errorf("report:\n%s", out.String())
	}
	var rs []importResult
	raw, _ := os.ReadFile(c.JSON)
	if err := json.Unmarshal(raw, &rs); err != nil || len(rs) != 1 || rs[0].FileBytes == 0 || rs[0].PeakRSS == 0 || rs[0].Rate == 0 {
		t.Errorf("JSON %s: %v", raw, err)
	}
}

// TestImportScenarioPostgres: with -postgres, a second import goes into a
// database of its own, dropped afterwards.
func TestImportScenarioPostgres(t *testing.T) {
	dsn := pgtest.URL(t)
	count := func() int {
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var n int
		if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_database WHERE datname LIKE 'parley_bench_import_%'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	bin, log := fakeParleyCommand(t)
	c, err := parseFlags([]string{"-scenario", "import", "-comments", "50", "-parley", bin, "-postgres", dsn}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), c, &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(log)
	if !strings.Contains(string(args), "import disqus ") || !strings.Contains(string(args), "--database postgres://") ||
		!strings.Contains(out.String(), "| postgres | 50 |") {
		t.Errorf("commands:\n%s\nreport:\n%s", args, out.String())
	}
	if after := count(); after != before {
		t.Errorf("%d bench databases left, %d before", after, before)
	}
}

// TestRunChild: a failing child is an error with its output; a finished
// one has a peak RSS.
func TestRunChild(t *testing.T) {
	r, err := runChild(exec.Command("sh", "-c", "echo fertig"))
	if err != nil || r.maxRSS <= 0 || string(r.output) != "fertig\n" {
		t.Errorf("run: %+v, %v", r, err)
	}
	if _, err := runChild(exec.Command("sh", "-c", "echo kaputt; exit 3")); err == nil || !strings.Contains(err.Error(), "kaputt") {
		t.Errorf("error %v, want the exit and the output", err)
	}
}

func TestImportFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-scenario", "import", "-comments", "0"},
		{"-scenario", "import", "-fault-rate", "1.5"},
	} {
		if _, err := parseFlags(args, os.Stderr); err == nil {
			t.Errorf("parseFlags(%q): no error", args)
		}
	}
}

func TestImportedComments(t *testing.T) {
	out := []byte("imported disqus f.xml into site demo:\n  stories:    4976\n  comments:   994644\n  commenters: 60\n")
	if n, ok := importedComments(out); !ok || n != 994644 {
		t.Errorf("importedComments = %d, %v; want 994644", n, ok)
	}
	if _, ok := importedComments([]byte("import failed\n")); ok {
		t.Error("a summary found in an error")
	}
}
