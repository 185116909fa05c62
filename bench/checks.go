package main

import (
	"fmt"
	"time"
)

// Targets from the design: cached reads close to a static server (the
// first screen, page 1 of the small story, at a reader and at -readers
// alike; an article list's counts more than half as fast), a light first
// page, page-1 cost independent of thread length, and fast writes.
const (
	minCachedRatio      = 0.8
	minFirstScreenRatio = 0.95
	minCountsRatio      = 0.6
	maxPage1Bytes       = 60_000 // as served (gzip), 1k story
	maxLargeVsSmall     = 1.5    // 1k page-1 req/s divided by 100k page-1 req/s
	minWritesPerSec     = 5000
)

// evaluate turns the measured scenarios into PASS / MISS / SKIP lines.
func evaluate(cfg config, r *results) []check {
	small, large := sizeLabel(cfg.Small), sizeLabel(cfg.Large)
	c := "c" + fmt.Sprint(cfg.Readers)
	out := []check{
		ratioCheck(r, "first screen (page 1, "+small+" story) vs baseline, "+c, small, 0, minFirstScreenRatio),
		ratioCheck(r, "first screen (page 1, "+small+" story) vs baseline, c1", small, 1, minFirstScreenRatio),
		ratioCheck(r, "cached read ratio vs baseline, "+large+" story", large, 0, minCachedRatio),
		ratioCheck(r, countsLabel+" stories vs baseline, "+c, countsLabel, 0, minCountsRatio),
	}
	s := find(r, "parley", small)
	out = append(out, check{
		Name:   "page 1 of the " + small + " story as served",
		Value:  fmt.Sprintf("%s B %s (raw %s B)", thousands(float64(s.Served)), encoding(s), thousands(float64(s.Raw))),
		Target: fmt.Sprintf("<= %s B gzip", thousands(maxPage1Bytes)),
		Result: verdict(s.Gzip && s.Served <= maxPage1Bytes),
	})
	out = append(out, costCheck(small, large, s, find(r, "parley", large)))
	out = append(out, writesCheck(r), sessionWritesCheck(r), pipelineWritesCheck(r))
	out = append(out, compareChecks(r, small, large)...)
	return append(out, moreCompareChecks(r, small)...)
}

// ratioCheck is the check of a read row's ratio against its baseline,
// with both servers' CPU per request where they were measured.
func ratioCheck(r *results, name, story string, readers int, target float64) check {
	p, b := findAt(r, "parley", story, readers), findAt(r, "baseline", story, readers)
	return check{Name: name, Target: fmt.Sprintf(">= %.2f", target), Result: verdict(p.Ratio >= target),
		Value: fmt.Sprintf("%.2f (%s vs %s req/s%s)", p.Ratio, thousands(p.Rate), thousands(b.Rate), cpuNote(p, b))}
}

// moreCompareChecks sets page 1 at one connection and the counts against
// the compared server's, as compareChecks does page 1 at -readers.
func moreCompareChecks(r *results, small string) []check {
	var out []check
	for _, c := range []struct {
		name, story string
		readers     int
	}{{"page 1, " + small + " story, c1", small, 1}, {countsLabel + " stories", countsLabel, 0}} {
		o, p := findAt(r, "compare", c.story, c.readers), findAt(r, "parley", c.story, c.readers)
		if o.Kind == "" || o.Rate == 0 {
			continue
		}
		ratio := p.Rate / o.Rate
		out = append(out, check{Name: "cached read ratio vs the compared server, " + c.name, Target: fmt.Sprintf(">= %.2f", minCompareRatio),
			Value:  fmt.Sprintf("%.2f (%s vs %s req/s%s)", ratio, thousands(p.Rate), thousands(o.Rate), cpuNote(p, o)),
			Result: verdict(ratio >= minCompareRatio)})
	}
	return out
}

func encoding(s scenario) string {
	if s.Gzip {
		return "gzip"
	}
	return "uncompressed"
}

// costCheck compares what page 1 costs on the large story with the small
// one, as a ratio of throughputs: 1.0 means equally cheap.
func costCheck(small, large string, s, l scenario) check {
	c := check{Name: "page-1 cost, " + large + " vs " + small + " story (req/s ratio)",
		Target: fmt.Sprintf("<= %.1fx", maxLargeVsSmall)}
	if l.Rate == 0 {
		c.Value, c.Result = "no successful reads", "MISS"
		return c
	}
	ratio := s.Rate / l.Rate
	c.Value, c.Result = fmt.Sprintf("%.2fx", ratio), verdict(ratio <= maxLargeVsSmall)
	return c
}

func writesCheck(r *results) check {
	c := check{Name: "acknowledged writes/s", Target: fmt.Sprintf(">= %s", thousands(minWritesPerSec))}
	w, ok := findKind(r, "writes")
	if !ok {
		c.Value, c.Result = "not measured (-skip-writes)", "SKIP"
		return c
	}
	c.Value, c.Result = thousands(w.Rate), verdict(w.Rate >= minWritesPerSec)
	if b, ok := findKind(r, "write-baseline"); ok && b.Rate > 0 {
		c.Value += fmt.Sprintf("; the durable-append baseline of the same run: %s, so %.2f of it", thousands(b.Rate), w.Rate/b.Rate)
	}
	return c
}

// find returns the scenario of a kind for a story label measured at
// -readers, or a zero scenario.
func find(r *results, kind, story string) scenario { return findAt(r, kind, story, 0) }

// findAt is find for the rows measured over readers connections (0:
// -readers).
func findAt(r *results, kind, story string, readers int) scenario {
	for _, s := range r.Scenarios {
		if s.Kind == kind && s.Story == story && s.Readers == readers {
			return s
		}
	}
	return scenario{}
}

func findKind(r *results, kind string) (scenario, bool) {
	for _, s := range r.Scenarios {
		if s.Kind == kind {
			return s, true
		}
	}
	return scenario{}, false
}

// Targets of the memory and idle scenarios.
const (
	// maxIdleCore is the CPU that idle live streams may cost, as a
	// fraction of one core, however many stories they watch.
	maxIdleCore = 0.02
	// maxProbeP99 is the slowest post-to-receipt time tolerated; a
	// notification delivers at once, the poll (5 s) is only a fallback.
	maxProbeP99 = 500 * time.Millisecond
)

// evaluateScenario turns the memory or idle measurements into checks.
func evaluateScenario(r *results) []check {
	var out []check
	if m := r.Memory; m != nil {
		out = append(out, check{
			Name:   fmt.Sprintf("peak RSS reading %d stories", m.Stories),
			Value:  fmt.Sprintf("%s (VmHWM %s; live heap %s over %d GCs, cache budget %s)", mib(m.PeakRSS), mib(m.HWM), mib(m.LiveHeap), m.GCs, mib(m.CacheBudget)),
			Target: "<= 2 × (live heap + cache budget) = " + mib(m.Limit),
			Result: verdict(m.PeakRSS <= m.Limit),
		})
		out = append(out, check{Name: "reads of many stories", Value: thousands(m.Rate) + " req/s", Target: "–", Result: "INFO"})
	}
	if d := r.Idle; d != nil {
		out = append(out, check{
			Name:   fmt.Sprintf("server CPU with %d idle streams on %d stories", d.Streams, d.Streams),
			Value:  fmt.Sprintf("%.2f %% of a core (%v over %v)", 100*d.CoreFrac, d.CPU, d.Window.Round(time.Millisecond)),
			Target: fmt.Sprintf("<= %.0f %%", 100*maxIdleCore),
			Result: verdict(d.CoreFrac <= maxIdleCore),
		})
		out = append(out, check{
			Name:   fmt.Sprintf("post to receipt on the stream, %d probes", d.Probes),
			Value:  fmt.Sprintf("p50 %s, p99 %s, max %s", ms(d.P50), ms(d.P99), ms(d.Max)),
			Target: "p99 <= " + ms(maxProbeP99),
			Result: verdict(d.P99 <= maxProbeP99),
		})
	}
	for _, s := range r.Scenarios {
		if s.Kind == "writes" {
			out = append(out, check{Name: s.Name, Value: thousands(s.Rate) + " writes/s", Target: "–", Result: "INFO"})
		}
	}
	return out
}
