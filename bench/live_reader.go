package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// probeMarker starts the word each probe comment carries, followed by the
// probe's number and an "x": a word Markdown leaves alone, so that a reader
// finds it in the rendered body of the "created" event.
const probeMarker = "lvprobe"

// liveProbe is one timed comment: when it was posted, and how many of its
// story's readers still have to receive it.
type liveProbe struct {
	t0   time.Time
	left atomic.Int64
	done chan struct{} // closed when left reaches 0
}

// liveBoard is what the readers report to: the probes sent so far, the
// latencies of their arrivals, and what went wrong.
type liveBoard struct {
	mu     sync.Mutex
	probes []*liveProbe
	lat    histogram

	disorder   atomic.Int64 // probes that arrived twice or after a later one of their story
	reconnects atomic.Int64 // streams that ended and were opened again
	dialFails  atomic.Int64 // attempts to open a stream that failed (and were retried)
}

// add registers probe k before it is posted, for want readers.
func (b *liveBoard) add(want int) (int, *liveProbe) {
	p := &liveProbe{t0: time.Now(), done: make(chan struct{})}
	p.left.Store(int64(want))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probes = append(b.probes, p)
	return len(b.probes) - 1, p
}

// arrived records probe k's arrival at one reader.
func (b *liveBoard) arrived(k int, at time.Time) {
	b.mu.Lock()
	if k < 0 || k >= len(b.probes) {
		b.mu.Unlock()
		return
	}
	p := b.probes[k]
	b.lat.Record(at.Sub(p.t0))
	b.mu.Unlock()
	if p.left.Add(-1) == 0 {
		close(p.done)
	}
}

// liveReader is one reader's stream of one story. It reconnects with
// Last-Event-ID when the stream ends, as a browser does, so that a reader
// the server dropped for falling behind still receives every event.
type liveReader struct {
	url   string
	board *liveBoard
	last  string // the last event ID received
	seen  int    // the highest probe number received; -1 before the first
}

// open connects the reader, retrying connect errors (a listen queue that
// overflows while thousands dial) with a backoff, and returns the stream's
// body once the server has sent its first line.
func (lr *liveReader) open(ctx context.Context, c *http.Client) (*bufio.Reader, func() error, error) {
	backoff := 10 * time.Millisecond
	for {
		br, closeFn, err := lr.dial(ctx, c)
		if err == nil || ctx.Err() != nil {
			return br, closeFn, err
		}
		lr.board.dialFails.Add(1)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func (lr *liveReader) dial(ctx context.Context, c *http.Client) (*bufio.Reader, func() error, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lr.url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("new stream request: %w", err)
	}
	if lr.last != "" {
		req.Header.Set("Last-Event-ID", lr.last)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("open stream: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, nil, fmt.Errorf("open stream %s: status %d", lr.url, resp.StatusCode)
	}
	br := bufio.NewReaderSize(resp.Body, 1024)
	if _, err := br.ReadString('\n'); err != nil { // "retry: …"
		resp.Body.Close()
		return nil, nil, fmt.Errorf("open stream %s: %w", lr.url, err)
	}
	return br, resp.Body.Close, nil
}

// follow reads the stream until ctx ends, reconnecting when it drops.
func (lr *liveReader) follow(ctx context.Context, c *http.Client, br *bufio.Reader, closeFn func() error) {
	for ctx.Err() == nil {
		lr.read(br)
		closeFn()
		if ctx.Err() != nil {
			return
		}
		lr.board.reconnects.Add(1)
		var err error
		if br, closeFn, err = lr.open(ctx, c); err != nil {
			return
		}
	}
}

// read handles the events of one connection until it ends.
func (lr *liveReader) read(br *bufio.Reader) {
	event, id := "", ""
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a long data line: the marker is near its start, in the body
		}
		if err != nil {
			return
		}
		s := strings.TrimRight(string(line), "\n")
		switch {
		case strings.HasPrefix(s, "id: "):
			id = s[len("id: "):]
		case strings.HasPrefix(s, "event: "):
			event = s[len("event: "):]
		case strings.HasPrefix(s, "data: ") && event == "created":
			lr.probe(s, time.Now())
		case s == "":
			if id != "" {
				lr.last = id
			}
			event, id = "", ""
		}
	}
}

// probe records the probe a created event carries, if any.
func (lr *liveReader) probe(data string, at time.Time) {
	i := strings.Index(data, probeMarker)
	if i < 0 {
		return
	}
	rest := data[i+len(probeMarker):]
	j := strings.IndexByte(rest, 'x')
	if j < 0 {
		return
	}
	k, err := strconv.Atoi(rest[:j])
	if err != nil {
		return
	}
	if k <= lr.seen {
		lr.board.disorder.Add(1)
		return // out of order or twice: counted once, at its first arrival
	}
	lr.seen = k
	lr.board.arrived(k, at)
}
