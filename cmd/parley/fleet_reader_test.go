package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

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
