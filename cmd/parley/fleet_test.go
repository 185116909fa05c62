package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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
	b := startMember(t, bin, dsn, ns.URL)
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

	ns.Stop()
	for _, m := range []*member{a, b, c} {
		m.log.wait(t, natsDown, 1)
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
func startMember(t *testing.T, bin, dsn, natsURL string) *member {
	t.Helper()
	m := &member{server: &server{done: make(chan struct{}), stderr: &logWriter{ready: make(chan string, 1)}}, log: newWatchedLog()}
	m.cmd = exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--database", dsn, "--nats-url", natsURL)
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

// liveReader reads a story's event stream as a browser does: when the
// stream ends it reconnects, to the next of its servers, with the
// Last-Event-ID it has.
type liveReader struct {
	bases []string
	mu    sync.Mutex
	data  []string // the data of each created event, in order
	last  int64
	n     int           // connections made
	got   chan struct{} // closed and replaced on every event
	err   error
}

// openReader starts a reader on bases[0] and returns once it is
// subscribed (the stream's first bytes come after the subscription).
func openReader(ctx context.Context, t *testing.T, bases ...string) *liveReader {
	t.Helper()
	r := &liveReader{bases: bases, got: make(chan struct{})}
	ready := make(chan struct{})
	go r.run(ctx, ready)
	select {
	case <-ready:
	case <-time.After(fleetWait):
		t.Fatalf("no event stream from %s within %v", bases[0], fleetWait)
	}
	return r
}

func (r *liveReader) run(ctx context.Context, ready chan struct{}) {
	var once sync.Once
	for i := 0; ctx.Err() == nil; i++ {
		base := r.bases[i%len(r.bases)]
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/sites/demo/stories/demo-article/events", nil)
		r.mu.Lock()
		if r.last > 0 {
			req.Header.Set("Last-Event-ID", strconv.FormatInt(r.last, 10))
		}
		r.mu.Unlock()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue // that server is gone: the next one
		}
		r.mu.Lock()
		r.n++
		r.mu.Unlock()
		r.read(bufio.NewReader(resp.Body), func() { once.Do(func() { close(ready) }) })
		resp.Body.Close()
		i-- // the same server first, as long as it answers
	}
}

// read takes events from one stream until it ends.
func (r *liveReader) read(br *bufio.Reader, started func()) {
	var id int64
	var event string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		started()
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			event = line[7:]
		case strings.HasPrefix(line, "data: ") && event == "created":
			r.add(id, line[6:])
		case line == "":
			event = ""
		}
	}
}

func (r *liveReader) add(id int64, data string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id <= r.last {
		r.err = fmt.Errorf("event %d after %d: out of order or twice", id, r.last)
	}
	r.last = max(r.last, id)
	r.data = append(r.data, data)
	close(r.got)
	r.got = make(chan struct{})
}

func (r *liveReader) connects() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// waitFor waits until the reader has had the comment id.
func (r *liveReader) waitFor(t *testing.T, id string) {
	t.Helper()
	deadline := time.After(fleetWait)
	for {
		r.mu.Lock()
		found, got := indexOf(r.data, id) >= 0, r.got
		r.mu.Unlock()
		if found {
			return
		}
		select {
		case <-got:
		case <-deadline:
			t.Fatalf("reader of %v: no event of comment %s within %v", r.bases, id, fleetWait)
		}
	}
}

// mustHaveInOrder checks that the reader had every comment of ids once,
// in their order, and its events in the order of their IDs.
func (r *liveReader) mustHaveInOrder(t *testing.T, ids []string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		t.Errorf("reader of %v: %v", r.bases, r.err)
	}
	if len(r.data) != len(ids) {
		t.Errorf("reader of %v: %d comment events, want %d", r.bases, len(r.data), len(ids))
	}
	prev := -1
	for _, id := range ids {
		i := indexOf(r.data, id)
		if i <= prev {
			t.Errorf("reader of %v: comment %s at %d, after %d", r.bases, id, i, prev)
		}
		prev = i
	}
}

// indexOf returns the first event whose data names the comment id.
func indexOf(data []string, id string) int {
	for i, d := range data {
		if strings.Contains(d, `"id":"`+id+`"`) {
			return i
		}
	}
	return -1
}

// natsSpy is a subscriber to every story event on NATS.
type natsSpy struct {
	msgs chan string
}

func subscribeAll(t *testing.T, url string) *natsSpy {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	s := &natsSpy{msgs: make(chan string, 64)}
	if _, err := nc.Subscribe("parley.stories.>", func(m *nats.Msg) { s.msgs <- string(m.Data) }); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *natsSpy) waitFor(t *testing.T, id string) {
	t.Helper()
	deadline := time.After(fleetWait)
	for {
		select {
		case m := <-s.msgs:
			if strings.Contains(m, `"comment":"`+id+`"`) {
				return
			}
		case <-deadline:
			t.Fatalf("comment %s did not cross NATS within %v", id, fleetWait)
		}
	}
}
