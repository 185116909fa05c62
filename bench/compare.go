package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// comparedServer readies the -compare server: another Parley (say, the
// main branch's build) on its own database, seeded with the same stories
// as the one measured, so that page 1 costs it the same work.
func comparedServer(ctx context.Context, cfg config, client *http.Client, suffix string, log io.Writer, r *results) (*api, error) {
	other := &api{base: cfg.Compare, site: cfg.Site, client: client}
	if err := other.waitReady(ctx, 10*time.Second); err != nil {
		return nil, fmt.Errorf("-compare: %w", err)
	}
	fmt.Fprintf(log, "seeding the compared server %s\n", cfg.Compare)
	if _, err := seedAll(ctx, cfg, other, suffix, log, r); err != nil {
		return nil, fmt.Errorf("-compare: %w", err)
	}
	return other, nil
}

// compareRounds is how many rounds of read loops Parley, its baseline and
// the compared server run, each round in the other order from the last
// (ABBA, see alternate): on a machine shared with other work a single pair
// of 10 s runs moved by a third either way, and alternating spreads that
// drift over all of them.
const compareRounds = 4

// compareChecks sets the cached reads of the measured server against the
// compared one's: a change that is not about reads must leave them as
// they were, within the noise of a shared machine.
func compareChecks(r *results, labels ...string) []check {
	var out []check
	for _, label := range labels {
		o := find(r, "compare", label)
		if o.Kind == "" {
			continue
		}
		p := find(r, "parley", label)
		c := check{Name: "cached read ratio vs the compared server, " + label + " story", Target: fmt.Sprintf(">= %.2f", minCompareRatio)}
		if o.Rate == 0 {
			c.Value, c.Result = "no successful reads on the compared server", "MISS"
		} else {
			ratio := p.Rate / o.Rate
			c.Value = fmt.Sprintf("%.2f (%s vs %s req/s%s)", ratio, thousands(p.Rate), thousands(o.Rate), cpuNote(p, o))
			c.Result = verdict(ratio >= minCompareRatio)
		}
		out = append(out, c)
	}
	return out
}

// minCompareRatio is the least share of the compared server's read rate
// that counts as unchanged: runs on our shared machine move by about that.
const minCompareRatio = 0.9

// cpuNote compares the server CPU time per request of two rows, when
// both were measured: "; server CPU 210 vs 190 µs/request, 1.11".
func cpuNote(a, b scenario) string {
	if a.CPUPerOp == 0 || b.CPUPerOp == 0 {
		return ""
	}
	return fmt.Sprintf("; server CPU %s vs %s per request, %.2f", us(a.CPUPerOp), us(b.CPUPerOp), float64(a.CPUPerOp)/float64(b.CPUPerOp))
}
