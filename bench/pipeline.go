package main

import (
	"context"
	"fmt"
	"io"
)

// minPipelineWriteRatio is how much of the write rate a site with the
// whole moderation pipeline on (word lists, pre-moderation rules, the
// local scorer) must keep against one with it off, on the same server in
// the same run (issue 8's aim).
const minPipelineWriteRatio = 0.9

// measurePipelineWrites runs the anonymous write loop on the -site
// (pipeline off) and on -moderated-site (pipeline on) in turn, ABBA, each
// for its share of -duration, so that the machine's load falls on both
// alike.
func measurePipelineWrites(ctx context.Context, cfg config, client *api, suffix string, log io.Writer, r *results) error {
	moderated := *client
	moderated.site = cfg.ModeratedSite
	off := newOps(cfg.Writers, writeOps(client, "bench-po-"+suffix, new(parentPool), textSeed))
	on := newOps(cfg.Writers, writeOps(&moderated, "bench-pm-"+suffix, new(parentPool), textSeed))
	fmt.Fprintf(log, "writes: %d posters on %s (pipeline off) and on %s (pipeline on), %d pairs, %v each\n",
		cfg.Writers, cfg.Site, cfg.ModeratedSite, writeRounds, cfg.Duration)
	offStats, onStats := abba(ctx, cfg, off, on, cfg.PID)
	r.Scenarios = append(r.Scenarios,
		newScenario(fmt.Sprintf("writes, %d posters, pipeline off (%s)", cfg.Writers, cfg.Site), "pipeline-off-writes", "writes/s", offStats),
		newScenario(fmt.Sprintf("writes, %d posters, pipeline on (%s)", cfg.Writers, cfg.ModeratedSite), "pipeline-on-writes", "writes/s", onStats))
	return nil
}

// pipelineWritesCheck compares the two sites' write rates of the same
// run; SKIP without -moderated-site.
func pipelineWritesCheck(r *results) check {
	c := check{Name: "writes/s with the moderation pipeline on vs off, same run", Target: fmt.Sprintf(">= %.2f", minPipelineWriteRatio)}
	off, ok1 := findKind(r, "pipeline-off-writes")
	on, ok2 := findKind(r, "pipeline-on-writes")
	switch {
	case !ok1 || !ok2:
		c.Value, c.Result = "not measured (needs -moderated-site)", "SKIP"
	case off.Rate == 0:
		c.Value, c.Result = "no writes with the pipeline off", "MISS"
	default:
		ratio := on.Rate / off.Rate
		c.Value = fmt.Sprintf("%.2f (%s vs %s writes/s%s)", ratio, thousands(on.Rate), thousands(off.Rate), cpuNote(on, off))
		c.Result = verdict(ratio >= minPipelineWriteRatio)
	}
	return c
}
