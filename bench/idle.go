package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// idleResult is what the idle-streams scenario measured of the server.
type idleResult struct {
	Streams  int           `json:"streams"`
	Window   time.Duration `json:"windowNs"`
	CPU      time.Duration `json:"cpuNs"`  // server user+system time over the window
	CoreFrac float64       `json:"ofCore"` // CPU / window
	Probes   int           `json:"probes"`
	P50      time.Duration `json:"p50Ns"` // post sent to event received
	P99      time.Duration `json:"p99Ns"`
	Max      time.Duration `json:"maxNs"`
}

// liveStream is one open SSE stream; created carries the data of every
// "created" event it receives.
type liveStream struct {
	created chan string
}

// openStream connects to a story's event stream and returns once the
// server has sent its first line; the stream is read until ctx ends.
func openStream(ctx context.Context, c *http.Client, u string, wg *sync.WaitGroup) (*liveStream, error) {
	s := &liveStream{created: make(chan string, 16)}
	err := followCreated(ctx, c, u, wg, func(_ time.Time, data string) {
		select {
		case s.created <- data:
		default:
		}
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// followCreated connects to a story's event stream, returns once the
// server has sent its first line (which it does once subscribed), and
// then, on a goroutine of wg's until the stream ends, calls created with
// the time each "created" event's data line arrived and the line. created
// must not block: it runs on the reading goroutine.
func followCreated(ctx context.Context, c *http.Client, u string, wg *sync.WaitGroup, created func(at time.Time, data string)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("new stream request: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("open stream: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return fmt.Errorf("open stream %s: status %d", u, resp.StatusCode)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil { // "retry: …"
		resp.Body.Close()
		return fmt.Errorf("open stream %s: %w", u, err)
	}
	wg.Go(func() {
		defer resp.Body.Close()
		event := ""
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			at := time.Now()
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				event = line[len("event: "):]
			case strings.HasPrefix(line, "data: ") && event == "created":
				created(at, line)
			case line == "":
				event = ""
			}
		}
	})
	return nil
}

// measureIdle opens one stream on each story, measures the server's CPU
// time while they sit idle for cfg.Duration, then posts cfg.Probes comments
// one at a time, each to a random story, and measures how long each takes
// to arrive on that story's stream.
func measureIdle(ctx context.Context, cfg config, a *api, ids []string, log io.Writer) (idleResult, error) {
	res := idleResult{Streams: len(ids), Window: cfg.Duration, Probes: cfg.Probes}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	c := &http.Client{Transport: newTransport(len(ids))}
	defer c.CloseIdleConnections()
	streams := make([]*liveStream, len(ids))
	fmt.Fprintf(log, "idle: opening %d streams\n", len(ids))
	for i, id := range ids {
		s, err := openStream(ctx, c, a.storyURL(id, "events"), &wg)
		if err != nil {
			return res, err
		}
		streams[i] = s
	}
	fmt.Fprintf(log, "idle: %d streams open; measuring server CPU for %v\n", len(ids), cfg.Duration)
	cpu0, err := readProcCPU(cfg.PID)
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(cfg.Duration):
	}
	cpu1, err := readProcCPU(cfg.PID)
	if err != nil {
		return res, err
	}
	res.Window = time.Since(t0)
	res.CPU = cpu1 - cpu0
	res.CoreFrac = float64(res.CPU) / float64(res.Window)
	lat, err := probeLatency(ctx, a, ids, streams, cfg.Probes)
	if err != nil {
		return res, err
	}
	res.P50, res.P99, res.Max = lat.Percentile(0.5), lat.Percentile(0.99), lat.Percentile(1)
	return res, nil
}

// probeLatency posts n comments, one at a time, and times each from the
// post to its arrival on the story's stream.
func probeLatency(ctx context.Context, a *api, ids []string, streams []*liveStream, n int) (*histogram, error) {
	h := new(histogram)
	rng := rand.New(rand.NewPCG(textSeed, 2))
	for range n {
		i := rng.IntN(len(ids))
		p := newPoster(a, ids[i], new(parentPool), rng.Uint64())
		t0 := time.Now()
		if !postWithRetry(ctx, p) {
			return h, fmt.Errorf("probe post to %s failed", ids[i])
		}
		select {
		case <-streams[i].created:
			h.Record(time.Since(t0))
		case <-time.After(30 * time.Second):
			return h, fmt.Errorf("probe on %s: no event within 30 s", ids[i])
		case <-ctx.Done():
			return h, ctx.Err()
		}
	}
	return h, nil
}
