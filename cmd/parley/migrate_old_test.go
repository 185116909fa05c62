package main

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"parley/internal/store/postgres/pgtest"
)

// TestOlderBinaryOnNewSchema is the expand/contract promise kept: the
// release before the newest migration serves a database that the binary
// under test migrated. It builds `parley` from the newest commit before the
// last change to either migrations folder, migrates a fresh database with
// the code under test, runs the old binary's serve on it, and posts, reads
// and streams a comment through it, on SQLite and on PostgreSQL.
func TestOlderBinaryOnNewSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an older parley from git history")
	}
	old := buildOlderParley(t)
	t.Run("sqlite", func(t *testing.T) {
		olderServes(t, old, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		olderServes(t, old, pgtest.URL(t))
	})
}

// olderServes migrates dsn with this binary's code, then checks that the
// older binary serves it.
func olderServes(t *testing.T, old, dsn string) {
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	mustEmptyDemoStory(t, store)
	store.Close()
	if err := run(t.Context(), []string{"migrate", "--database", dsn}, func(string) string { return "" }, io.Discard, io.Discard); err != nil {
		t.Fatalf("migrate with the code under test: %v", err)
	}

	srv := startParley(t, old, dsn)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.base+"/api/v1/sites/demo/stories/demo-article/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("older binary's event stream: %v %v\n%s", resp, err, srv.stderr.String())
	}
	defer resp.Body.Close()

	client := &http.Client{Timeout: 10 * time.Second}
	id, err := postComment(client, srv.base, "posted through the older release")
	if err != nil {
		t.Fatalf("post through the older binary: %v\n%s", err, srv.stderr.String())
	}
	listed, count := listAll(t, client, srv.base)
	if !listed[id] || count != 1 {
		t.Errorf("older binary lists %v with commentCount %d, want %s and 1", listed, count, id)
	}
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("older binary's stream ended before the comment's event: %v\n%s", err, srv.stderr.String())
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, id) {
			return
		}
	}
}

// buildOlderParley builds cmd/parley as it was just before the newest
// change to the migrations, from `git archive` into a temporary directory.
// Without git or the history (a shallow clone) the test skips loudly, and
// fails under CI=true.
func buildOlderParley(t *testing.T) string {
	t.Helper()
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			skipOrFailCI(t, "git %s: %v: this test needs the repository's history", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	top := git("rev-parse", "--show-toplevel")
	last := git("-C", top, "log", "-1", "--format=%H", "--", "internal/store/sqlite/migrations", "internal/store/postgres/migrations")
	if last == "" {
		skipOrFailCI(t, "no commit changes the migrations: the history is missing")
	}
	before := git("-C", top, "rev-parse", "--verify", "--quiet", last+"^")
	t.Logf("older release: %s, the parent of %s (the newest migration change)", before[:12], last[:12])

	src := t.TempDir()
	archive := exec.Command("git", "-C", top, "archive", "--format=tar", before)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := archive.Start(); err != nil {
		t.Fatal(err)
	}
	if err := untar(pipe, src); err != nil {
		t.Fatalf("git archive %s: %v", before, err)
	}
	if err := archive.Wait(); err != nil {
		t.Fatalf("git archive %s: %v", before, err)
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(t.TempDir(), "parley-old")
	build := exec.Command(goTool, "build", "-o", bin, "./cmd/parley")
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod -buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of %s: %v\n%s", before, err, out)
	}
	return bin
}

// untar writes the regular files and directories of a tar stream under dir.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, filepath.Clean(dir)+string(filepath.Separator)) {
			return errors.New("tar entry outside the directory: " + h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = writeFile(name, tr, os.FileMode(h.Mode)&0o755)
		}
		if err != nil {
			return err
		}
	}
}

// writeFile creates name, and the directories above it, from r.
func writeFile(name string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode|0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	return errors.Join(err, f.Close())
}
