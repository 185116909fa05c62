package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/store/postgres/pgtest"
)

// TestCrashDurability kills the server with SIGKILL while comments are being
// posted and checks after a restart that every acknowledged comment is there.
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the parley binary")
	}
	bin := buildParley(t)
	t.Run("sqlite", func(t *testing.T) {
		crashAndRecover(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashAndRecover(t, bin, pgtest.URL(t))
	})
}

const (
	demoComments = "/api/v1/sites/demo/stories/demo-article/comments"
	posters      = 16
	killAfter    = 300 // acknowledged posts before SIGKILL
)

func crashAndRecover(t *testing.T, bin, dsn string) {
	// An empty demo story, so that --demo seeds nothing: every comment
	// listed after the restart must be one of ours.
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	mustEmptyDemoStory(t, store)
	store.Close()
	srv := startParley(t, bin, dsn)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: posters}}
	defer client.CloseIdleConnections()

	var (
		mu       sync.Mutex
		acked    []string
		attempts atomic.Int64
		failures atomic.Int64
		stop     atomic.Bool // posters finish
		killing  atomic.Bool // failures from here on are expected
		enough   = make(chan struct{})
		once     sync.Once
		wg       sync.WaitGroup
	)
	for g := range posters {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				attempts.Add(1)
				id, err := postComment(client, srv.base, fmt.Sprintf("crash test comment %d-%d", g, i))
				if err != nil {
					failures.Add(1)
					if !killing.Load() {
						t.Errorf("post before the kill: %v", err)
						return
					}
					continue
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) >= killAfter {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(30 * time.Second):
		stop.Store(true)
		wg.Wait()
		t.Fatalf("only %d posts acknowledged after 30s; server log:\n%s", len(acked), srv.stderr.String())
	}
	killing.Store(true)
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL; the posters never pause, so posts are in flight
		t.Fatalf("kill: %v", err)
	}
	<-srv.done
	stop.Store(true)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d posts attempted, %d acknowledged (201), %d failed around the SIGKILL",
		attempts.Load(), len(acked), failures.Load())

	srv = startParley(t, bin, dsn)
	listed, count := listAll(t, client, srv.base)
	missing := 0
	for _, id := range acked {
		if !listed[id] {
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged comment %s is missing after restart", id)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged comments are missing after restart", missing, len(acked))
	}
	if count != len(listed) {
		t.Errorf("story commentCount = %d, but %d comments are listed", count, len(listed))
	}
	if int64(len(listed)) > attempts.Load() {
		t.Errorf("%d comments listed, but only %d were ever posted", len(listed), attempts.Load())
	}
	t.Logf("after restart: %d comments listed (%d acknowledged + %d unacknowledged that committed), commentCount %d",
		len(listed), len(acked), len(listed)-len(acked), count)
	replayAfterRestart(t, srv.base)
}

// replayAfterRestart checks that the live stream of the restarted server
// replays from the database: a reader who last saw event 1 gets the
// events after it, beginning with event 2.
func replayAfterRestart(t *testing.T, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/sites/demo/stories/demo-article/events", nil)
	req.Header.Set("Last-Event-ID", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("event stream after restart: %v", err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream after restart ended before a replayed event: %v", err)
		}
		if strings.HasPrefix(line, "id: ") {
			if got := strings.TrimSpace(strings.TrimPrefix(line, "id: ")); got != "2" {
				t.Errorf("first replayed event after restart has id %s, want 2", got)
			}
			return
		}
	}
}

// postComment posts one anonymous top-level comment and returns its ID.
func postComment(client *http.Client, base, body string) (string, error) {
	req, _ := json.Marshal(map[string]any{"body": body, "author": map[string]string{"name": "Crash Tester"}})
	resp, err := client.Post(base+demoComments, "application/json", bytes.NewReader(req))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Comment struct {
			ID string `json:"id"`
		} `json:"comment"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("status %d, decode: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusCreated || out.Comment.ID == "" {
		return "", fmt.Errorf("status %d, comment id %q", resp.StatusCode, out.Comment.ID)
	}
	return out.Comment.ID, nil
}

// listAll walks every page of the demo story, oldest first, and returns the
// IDs listed (replies included) and the story's commentCount.
func listAll(t *testing.T, client *http.Client, base string) (map[string]bool, int) {
	type node struct {
		ID      string `json:"id"`
		Replies []node `json:"replies"`
	}
	ids := map[string]bool{}
	var add func([]node)
	add = func(ns []node) {
		for _, n := range ns {
			if ids[n.ID] {
				t.Errorf("comment %s is listed twice", n.ID)
			}
			ids[n.ID] = true
			add(n.Replies)
		}
	}
	count, cursor := -1, ""
	for pages := 0; pages < 1000; pages++ {
		resp, err := client.Get(base + demoComments + "?sort=oldest&limit=100&cursor=" + url.QueryEscape(cursor))
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Story struct {
				CommentCount int `json:"commentCount"`
			} `json:"story"`
			Comments   []node `json:"comments"`
			NextCursor string `json:"nextCursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list page %d: status %d, %v", pages, resp.StatusCode, err)
		}
		if count >= 0 && count != page.Story.CommentCount {
			t.Errorf("commentCount changed between pages: %d, then %d", count, page.Story.CommentCount)
		}
		count = page.Story.CommentCount
		add(page.Comments)
		if page.NextCursor == "" {
			return ids, count
		}
		cursor = page.NextCursor
	}
	t.Fatal("more than 1000 pages: the cursor does not advance")
	return nil, 0
}

// buildParley builds the command under test into a temporary directory.
func buildParley(t *testing.T) string {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build parley with")
		}
	}
	bin := filepath.Join(t.TempDir(), "parley")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is a running `parley serve`.
type server struct {
	cmd    *exec.Cmd
	base   string
	stderr *logWriter
	done   chan struct{} // closed when the process has exited
}

var listeningRE = regexp.MustCompile(`msg="parley listening" addr=(\S+)`)

// startParley starts the binary on dsn and waits until it is listening. The
// process is killed when the test ends, whatever the outcome.
func startParley(t *testing.T, bin, dsn string) *server {
	t.Helper()
	s := &server{stderr: &logWriter{ready: make(chan string, 1)}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--database", dsn)
	s.cmd.Env = append(os.Environ(), "PARLEY_LOG_LEVEL=info")
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.done })
	select {
	case addr := <-s.stderr.ready:
		s.base = "http://" + addr
		return s
	case <-s.done:
		t.Fatalf("parley exited before listening (%v):\n%s", s.cmd.ProcessState, s.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("parley did not report listening within 20s:\n%s", s.stderr.String())
	}
	return nil
}

// logWriter keeps a process's stderr and reports the listening address.
type logWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan string
	found bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.found {
		if m := listeningRE.FindStringSubmatch(w.buf.String()); m != nil {
			w.found = true
			w.ready <- m[1]
		}
	}
	return len(p), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestCommands runs the site and migrate commands in-process.
func TestCommands(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	env := map[string]string{"PARLEY_DATABASE": dsn}
	getenv := func(k string) string { return env[k] }
	cmd := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, getenv, &stdout, &stderr)
		return stdout.String(), err
	}

	out, err := cmd("site", "create", "--id", "news", "--origin", "https://news.example", "--name", "News", "--anonymous", "--database", dsn)
	if err != nil || out != "created site news\n" {
		t.Fatalf("site create = %q, %v", out, err)
	}
	out, err = cmd("site", "list")
	if err != nil {
		t.Fatalf("site list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[1]), " ") != "news News true 10m0s 10000 https://news.example" {
		t.Errorf("site list =\n%s\nwant a header and the row: news News true 10m0s 10000 https://news.example", out)
	}
	out, err = cmd("site", "update", "--id", "news", "--edit-window", "30m", "--origin", "https://zeitung.example")
	if err != nil || out != "updated site news\n" {
		t.Fatalf("site update = %q, %v", out, err)
	}
	out, _ = cmd("site", "list")
	if row := strings.Join(strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[1]), " "); row != "news News true 30m0s 10000 https://zeitung.example" {
		t.Errorf("after update the row is %q: only the given settings may change", row)
	}
	// --add-origin keeps the list; --remove-origin takes one out; an
	// origin already there (in any case) is not added twice.
	if _, err = cmd("site", "update", "--id", "news", "--add-origin", "https://www.zeitung.example", "--add-origin", "HTTPS://zeitung.example"); err != nil {
		t.Fatalf("site update --add-origin: %v", err)
	}
	out, _ = cmd("site", "list")
	if row := strings.Join(strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[1]), " "); row != "news News true 30m0s 10000 https://zeitung.example https://www.zeitung.example" {
		t.Errorf("after --add-origin the row is %q", row)
	}
	if _, err = cmd("site", "update", "--id", "news", "--remove-origin", "https://zeitung.example"); err != nil {
		t.Fatalf("site update --remove-origin: %v", err)
	}
	out, _ = cmd("site", "list")
	if row := strings.Join(strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[1]), " "); row != "news News true 30m0s 10000 https://www.zeitung.example" {
		t.Errorf("after --remove-origin the row is %q", row)
	}
	if out, err = cmd("migrate"); err != nil || out != "database is up to date\n" {
		t.Errorf("migrate = %q, %v", out, err)
	}

	fails := []struct {
		name string
		args []string
		want string // in the error message
	}{
		{"duplicate site", []string{"site", "create", "--id", "news", "--database", dsn}, `already a site "news"`},
		{"update of an unknown site", []string{"site", "update", "--id", "nope", "--anonymous"}, `no site "nope"`},
		{"edit window out of range", []string{"site", "create", "--id", "x", "--edit-window", "-1m"}, "edit window"},
		{"invalid origin", []string{"site", "create", "--id", "other", "--origin", "news.example"}, "is not an origin"},
		{"invalid added origin", []string{"site", "update", "--id", "news", "--add-origin", "https://news.example/path"}, "is not an origin"},
		{"add-origin on create", []string{"site", "create", "--id", "other", "--add-origin", "https://news.example"}, "flag provided but not defined"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown site subcommand", []string{"site", "delete"}, "create, update or list"},
		{"no command", nil, "no command"},
	}
	for _, f := range fails {
		out, err := cmd(f.args...)
		if err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("%s: parley %s = %q, %v; want an error containing %q", f.name, strings.Join(f.args, " "), out, err, f.want)
			continue
		}
		t.Logf("%s: %s", f.name, strings.SplitN(err.Error(), "\n", 2)[0])
	}
	if out, _ := cmd("site", "list"); strings.Count(out, "\n") != 2 {
		t.Errorf("failed commands changed the sites:\n%s", out)
	}
}
