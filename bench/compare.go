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

// compareReads measures the compared server's page 1 of story with the
// same loop as Parley's.
func compareReads(ctx context.Context, cfg config, other *api, story, label string, log io.Writer) (*scenario, error) {
	u := other.pageURL(story)
	p, err := warmPage(ctx, other.client, u)
	if err != nil {
		return nil, fmt.Errorf("-compare: page 1 of %s: %w", story, err)
	}
	fmt.Fprintf(log, "reads: page 1 of %s on %s, %d connections for %v\n", story, cfg.Compare, cfg.Readers, cfg.Duration)
	s := newScenario("page 1, "+label+" story, compared server", "compare", "req/s", readLoop(ctx, cfg, u))
	s.Story, s.Served, s.Raw, s.Gzip = label, len(p.Body), p.Raw, p.Gzip
	return &s, nil
}

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
			c.Value, c.Result = fmt.Sprintf("%.2f (%s vs %s req/s)", ratio, thousands(p.Rate), thousands(o.Rate)), verdict(ratio >= minCompareRatio)
		}
		out = append(out, c)
	}
	return out
}

// minCompareRatio is the least share of the compared server's read rate
// that counts as unchanged: runs on our shared machine move by about that.
const minCompareRatio = 0.9
