package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/realtime/natstest"
	"parley/internal/store/postgres/pgtest"
)

// fleetWait bounds every wait in the fleet test: generous, so that a
// loaded machine does not flake; nothing is asserted about time.
const fleetWait = 10 * time.Second

// TestFleet runs three `parley serve` on one PostgreSQL database and a
// NATS server of the test's own: a comment posted on A reaches the live
// readers on B and C and their cached pages; with NATS stopped, comments
// are still accepted and still reach them (each instance reads the event
// log), and events flow over NATS again once it is back; after a SIGKILL
// of C, its reader reconnects to B with Last-Event-ID and misses nothing.
func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the parley binary")
	}
	bin, dsn, ns := buildParley(t), pgtest.URL(t), natstest.Start(t)
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	mustEmptyDemoStory(t, store)
	store.Close()
	a := startMember(t, bin, dsn, ns.URL)
	b := startMember(t, bin, dsn, ns.URL, "--metrics-addr", "127.0.0.1:0")
	c := startMember(t, bin, dsn, ns.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onB, onC := openReader(ctx, t, b.base), openReader(ctx, t, c.base, b.base)
	readers := []*liveReader{onB, onC}
	var posted []string
	post := func(body string) string {
		t.Helper()
		id, err := postComment(http.DefaultClient, a.base, body)
		if err != nil {
			t.Fatalf("post on A: %v", err)
		}
		posted = append(posted, id)
		return id
	}
	for _, m := range []*member{b, c} { // cache page 1 on B and C
		m.mustShow(t, posted)
	}

	spy := subscribeAll(t, ns.URL)
	id := post("fleet: over NATS")
	spy.waitFor(t, id)
	for _, r := range readers {
		r.waitFor(t, id)
	}
	for _, m := range []*member{b, c} {
		m.mustShow(t, posted)
	}

	if got := b.metric(t, "parley_bus_connected"); got != "1" {
		t.Errorf("B's parley_bus_connected = %q, want 1", got)
	}
	ns.Stop()
	for _, m := range []*member{a, b, c} {
		m.log.wait(t, natsDown, 1)
	}
	if got := b.metric(t, "parley_bus_connected"); got != "0" {
		t.Errorf("B's parley_bus_connected with NATS stopped = %q, want 0", got)
	}
	for i := range 3 {
		id := post(fmt.Sprintf("fleet: NATS down %d", i))
		for _, r := range readers {
			r.waitFor(t, id)
		}
	}
	for _, m := range []*member{b, c} {
		m.mustShow(t, posted)
	}
	ns.Start()
	for _, m := range []*member{a, b, c} {
		m.log.wait(t, natsUp, 1)
	}
	if got := b.metric(t, "parley_bus_connected"); got != "1" {
		t.Errorf("B's parley_bus_connected after the restart = %q, want 1", got)
	}
	spy = subscribeAll(t, ns.URL) // the old one may still be reconnecting
	id = post("fleet: NATS back")
	spy.waitFor(t, id)
	for _, r := range readers {
		r.waitFor(t, id)
	}

	// C's reader was on C; it goes on to B with Last-Event-ID.
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	for i := range 3 {
		post(fmt.Sprintf("fleet: C is gone %d", i))
	}
	for _, r := range readers {
		r.waitFor(t, posted[len(posted)-1])
		r.mustHaveInOrder(t, posted)
	}
	if onC.connects() < 2 {
		t.Errorf("C's reader connected %d times, want a reconnect to B", onC.connects())
	}
	b.mustShow(t, posted)
}

var (
	natsDown = regexp.MustCompile(`nats disconnected`)
	natsUp   = regexp.MustCompile(`nats connected`)
)

// member is one `parley serve` of the fleet.
type member struct {
	*server
	log *watchedLog
}

// startMember starts the binary on dsn with --nats-url, and waits until it
// is listening.
func startMember(t *testing.T, bin, dsn, natsURL string, args ...string) *member {
	t.Helper()
	m := &member{server: &server{done: make(chan struct{}), stderr: &logWriter{ready: make(chan string, 1)}}, log: newWatchedLog()}
	m.cmd = exec.Command(bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--database", dsn, "--nats-url", natsURL}, args...)...)
	m.cmd.Env = append(os.Environ(), "PARLEY_LOG_LEVEL=info")
	m.log.also = m.stderr
	m.cmd.Stderr = m.log
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { m.cmd.Wait(); close(m.done) }()
	t.Cleanup(func() {
		m.cmd.Process.Kill()
		<-m.done
		if t.Failed() {
			t.Logf("log of %s:\n%s", m.base, m.stderr.String())
		}
	})
	select {
	case addr := <-m.stderr.ready:
		m.base = "http://" + addr
		return m
	case <-m.done:
		t.Fatalf("parley exited before listening (%v):\n%s", m.cmd.ProcessState, m.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("parley did not report listening within 20s:\n%s", m.stderr.String())
	}
	return nil
}

// mustShow checks that page 1 and the counts of the demo story on m list
// exactly ids.
func (m *member) mustShow(t *testing.T, ids []string) {
	t.Helper()
	var page struct {
		Story struct {
			CommentCount int `json:"commentCount"`
		} `json:"story"`
		Comments []struct {
			ID string `json:"id"`
		} `json:"comments"`
	}
	getJSON(t, m.base+demoComments+"?limit=100", &page)
	listed := map[string]bool{}
	for _, c := range page.Comments {
		listed[c.ID] = true
	}
	for _, id := range ids {
		if !listed[id] {
			t.Errorf("%s: page 1 does not list %s", m.base, id)
		}
	}
	if page.Story.CommentCount != len(ids) || len(listed) != len(ids) {
		t.Errorf("%s: page 1 lists %d comments, commentCount %d; want %d", m.base, len(listed), page.Story.CommentCount, len(ids))
	}
	var counts struct {
		Counts map[string]int `json:"counts"`
	}
	getJSON(t, m.base+"/api/v1/sites/demo/counts?story=demo-article", &counts)
	if got := counts.Counts["demo-article"]; got != len(ids) {
		t.Errorf("%s: counts say %d, want %d", m.base, got, len(ids))
	}
}

var metricsAddr = regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)

// metric returns the value of an unlabelled metric on m's /metrics.
func (m *member) metric(t *testing.T, name string) string {
	t.Helper()
	m.log.wait(t, metricsAddr, 1)
	m.log.mu.Lock()
	addr := metricsAddr.FindSubmatch(m.log.buf.Bytes())[1]
	m.log.mu.Unlock()
	resp, err := http.Get("http://" + string(addr) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("%s has no %s", m.base, name)
	return ""
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// watchedLog keeps a process's stderr, passes it on, and lets a test
// wait for a line to have been written n times.
type watchedLog struct {
	also    *logWriter
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newWatchedLog() *watchedLog { return &watchedLog{changed: make(chan struct{})} }

func (w *watchedLog) Write(p []byte) (int, error) {
	w.also.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

func (w *watchedLog) wait(t *testing.T, re *regexp.Regexp, n int) {
	t.Helper()
	deadline := time.After(fleetWait)
	for {
		w.mu.Lock()
		found, changed := len(re.FindAllIndex(w.buf.Bytes(), -1)), w.changed
		w.mu.Unlock()
		if found >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%q not logged %d times within %v", re, n, fleetWait)
		}
	}
}
