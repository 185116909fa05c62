package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// The fleet scenario measures how long a comment posted on one instance
// takes to reach live readers on the others (the NATS bus, or the event
// log's poll without it). Its baseline, in the same run, is the same
// comment's arrival at readers on the instance it was posted to, which
// hears of it on its own in-process bus: the ratio is what crossing
// instances costs.

// fleetLimit is the bound of the scenario's check: p99 of post to receipt
// on the other instances.
const fleetLimit = time.Second

// fleetResult is what the fleet scenario measured.
type fleetResult struct {
	Instances []string      `json:"instances"` // the first is where comments are posted
	Readers   int           `json:"readersPerInstance"`
	Probes    int           `json:"probes"`
	Local     fleetLatency  `json:"local"`  // readers on the posting instance: the baseline
	Remote    fleetLatency  `json:"remote"` // readers on the other instances
	Missed    int           `json:"missed"` // events a reader never received
	Limit     time.Duration `json:"limitNs"`
}

type fleetLatency struct {
	N   uint64        `json:"n"`
	P50 time.Duration `json:"p50Ns"`
	P99 time.Duration `json:"p99Ns"`
	Max time.Duration `json:"maxNs"`
}

func latencyOf(h *histogram) fleetLatency {
	return fleetLatency{N: h.Count(), P50: h.Percentile(0.5), P99: h.Percentile(0.99), Max: h.Percentile(1)}
}

// arrival is a "created" event as a reader received it, timed there.
type arrival struct {
	at   time.Time
	data string
}

// fleetReader is one open stream; it sends each created event, timed on
// receipt, so that a reader read late by the prober is not timed late.
type fleetReader struct {
	local bool
	c     chan arrival
}

// openFleetReader connects to the story's stream on base and returns once
// the server has sent its first bytes, which it does once subscribed.
func openFleetReader(ctx context.Context, c *http.Client, u string, local bool, wg *sync.WaitGroup) (*fleetReader, error) {
	r := &fleetReader{local: local, c: make(chan arrival, 16)}
	err := followCreated(ctx, c, u, wg, func(at time.Time, data string) {
		select {
		case r.c <- arrival{at: at, data: data}:
		default: // the prober is gone
		}
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// runFleet opens cfg.Readers streams of one fresh story on every instance,
// posts cfg.Probes comments on the first, one at a time, and times each
// from the post to its arrival at every reader.
func runFleet(ctx context.Context, cfg config, suffix string, stdout, stderr io.Writer) error {
	conns := cfg.Readers*len(cfg.Addrs) + 4
	client := &http.Client{Transport: newTransport(conns)}
	defer client.CloseIdleConnections()
	apis := make([]*api, len(cfg.Addrs))
	for i, base := range cfg.Addrs {
		apis[i] = &api{base: base, site: cfg.Site, client: client}
		if err := apis[i].waitReady(ctx, 10*time.Second); err != nil {
			return err
		}
	}
	story := "bench-fleet-" + suffix
	p := newPoster(apis[0], story, new(parentPool), textSeed)
	if !postWithRetry(ctx, p) { // the story exists before anyone streams it
		return errors.New("fleet: the first post failed")
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	var readers []*fleetReader
	for i, a := range apis {
		for range cfg.Readers {
			r, err := openFleetReader(ctx, client, a.storyURL(story, "events"), i == 0, &wg)
			if err != nil {
				return err
			}
			readers = append(readers, r)
		}
	}
	fmt.Fprintf(stderr, "fleet: %d readers on each of %d instances; %d probes posted on %s\n", cfg.Readers, len(apis), cfg.Probes, cfg.Addrs[0])
	res := fleetResult{Instances: cfg.Addrs, Readers: cfg.Readers, Probes: cfg.Probes, Limit: fleetLimit}
	local, remote := new(histogram), new(histogram)
	var token string
	for range cfg.Probes {
		req := &postRequest{Body: p.gen.Body(), Author: &postAuthor{Name: p.name}, Story: p.info}
		t0 := time.Now()
		status, ref, err := apis[0].post(ctx, story, req, &token)
		if err != nil || status != http.StatusCreated {
			return fmt.Errorf("fleet: probe post: status %d, %v", status, err)
		}
		for _, r := range readers {
			d, ok := awaitComment(ctx, r, ref.id)
			switch {
			case !ok:
				res.Missed++
			case r.local:
				local.Record(d.Sub(t0))
			default:
				remote.Record(d.Sub(t0))
			}
		}
	}
	res.Local, res.Remote = latencyOf(local), latencyOf(remote)
	writeFleet(stdout, res)
	if cfg.JSON != "" {
		raw, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.JSON, raw, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", cfg.JSON, err)
		}
	}
	return ctx.Err()
}

// awaitComment returns when r received the comment id; false after 10 s
// without it.
func awaitComment(ctx context.Context, r *fleetReader, id string) (time.Time, bool) {
	deadline := time.After(10 * time.Second)
	for {
		select {
		case a := <-r.c:
			if strings.Contains(a.data, `"id":"`+id+`"`) {
				return a.at, true
			}
		case <-deadline:
			return time.Time{}, false
		case <-ctx.Done():
			return time.Time{}, false
		}
	}
}

// writeFleet prints the scenario's table and its check.
func writeFleet(w io.Writer, r fleetResult) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	ratio := func(a, b time.Duration) string {
		if b <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	fmt.Fprintf(w, "\n## Fleet: post on %s, receipt on %d instances, %d readers each, %d probes\n\n",
		r.Instances[0], len(r.Instances), r.Readers, r.Probes)
	fmt.Fprintln(w, "| readers | events | p50 | p99 | max |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	fmt.Fprintf(w, "| on the posting instance (baseline) | %d | %s | %s | %s |\n", r.Local.N, ms(r.Local.P50), ms(r.Local.P99), ms(r.Local.Max))
	fmt.Fprintf(w, "| on the other instances | %d | %s | %s | %s |\n", r.Remote.N, ms(r.Remote.P50), ms(r.Remote.P99), ms(r.Remote.Max))
	fmt.Fprintf(w, "| other ÷ posting | | %s | %s | %s |\n\n", ratio(r.Remote.P50, r.Local.P50), ratio(r.Remote.P99, r.Local.P99), ratio(r.Remote.Max, r.Local.Max))
	verdict := "PASS"
	if r.Remote.P99 > r.Limit || r.Missed > 0 || r.Remote.N == 0 {
		verdict = "MISS"
	}
	fmt.Fprintf(w, "%s  p99 post to receipt on the other instances %s ≤ %s, %d events missed\n", verdict, ms(r.Remote.P99), ms(r.Limit), r.Missed)
}

// parseAddrs reads -addrs: at least two loopback base URLs.
func parseAddrs(s string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimRight(strings.TrimSpace(a), "/")
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("-addrs: %q is not a loopback URL such as http://127.0.0.1:8080", a)
		}
		out = append(out, a)
	}
	if len(out) < 2 {
		return nil, errors.New("-addrs: name at least two instances, the first of which gets the posts")
	}
	return out, nil
}
