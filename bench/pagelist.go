package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// listStories is the length of the article list whose counts are read: a
// front page or a section shows about 20 articles, and its page asks for
// their comment counts in one request, as the widget's count.ts does.
const listStories = 20

// countsLabel names the counts rows; it stands where a story label does.
var countsLabel = fmt.Sprintf("counts of %d", listStories)

// countsURL is the counts request of an article list, spelt as the
// widget spells it: story=…&story=… in the list's order.
func (a *api) countsURL(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "story=" + url.QueryEscape(id)
	}
	return fmt.Sprintf("%s/api/v1/sites/%s/counts?%s", a.base, url.PathEscape(a.site), strings.Join(parts, "&"))
}

// articleList returns the stories of the list: the two seeded ones and
// more with a comment each (seeded here, on other too when comparing), so
// that every count is one a story really has.
func articleList(ctx context.Context, cfg config, a, other *api, stories []string, suffix string, log io.Writer) ([]string, error) {
	prefix := "bench-list-" + suffix + "-"
	if cfg.Reuse {
		prefix = "bench-list-"
	}
	more := storyIDs(prefix, listStories-len(stories))
	for _, s := range []*api{a, other} {
		if s == nil {
			continue
		}
		if err := seedMany(ctx, cfg, s, more, 1, log); err != nil {
			return nil, fmt.Errorf("article list on %s: %w", s.base, err)
		}
	}
	return append(append([]string(nil), stories...), more...), nil
}

// readSpec is one cached read to measure: the URL on Parley and, when
// comparing, on the other server, the rows' names, and the connections.
type readSpec struct {
	u, ou   string // ou is "" without -compare
	name    string // "page 1, 1k story, c1"
	label   string // the rows' Story
	readers int    // 0: -readers
}

// measureRead runs a read loop against Parley (alternated with the
// compared server's when there is one) and then against a replay of
// Parley's own bytes, and adds the rows.
func measureRead(ctx context.Context, cfg config, spec readSpec, a, other *api, log io.Writer, r *results) error {
	lc := cfg
	if spec.readers > 0 {
		lc.Readers = spec.readers
	}
	p, err := warmPage(ctx, a.client, spec.u)
	if err != nil {
		return fmt.Errorf("%s: %w", spec.name, err)
	}
	var ost, pst loopStats
	if other != nil {
		if _, err := warmPage(ctx, other.client, spec.ou); err != nil {
			return fmt.Errorf("-compare: %s: %w", spec.name, err)
		}
		fmt.Fprintf(log, "reads: %s, %d connections, the compared server and parley alternated (then baseline)\n", spec.name, lc.Readers)
		ost, pst = alternate(ctx, lc, spec.ou, spec.u)
	} else {
		fmt.Fprintf(log, "reads: %s, %d connections for %v (parley, then baseline)\n", spec.name, lc.Readers, cfg.Duration)
		pst = readLoop(ctx, lc, spec.u, cfg.Duration, cfg.PID)
	}
	b, err := startBaselineProcess(ctx, p)
	if err != nil {
		return err
	}
	bst := readLoop(ctx, lc, b.URL+p.RequestURI, cfg.Duration, 0)
	if err := b.Close(); err != nil {
		return err
	}
	rows := []scenario{newScenario(spec.name+", parley", "parley", "req/s", pst), newScenario(spec.name+", baseline", "baseline", "req/s", bst)}
	if other != nil {
		rows = append(rows, newScenario(spec.name+", compared server", "compare", "req/s", ost))
	}
	for i := range rows {
		rows[i].Story, rows[i].Readers, rows[i].Served, rows[i].Raw, rows[i].Gzip = spec.label, spec.readers, len(p.Body), p.Raw, p.Gzip
		if bst.Rate() > 0 && rows[i].Kind != "baseline" {
			rows[i].Ratio = rows[i].Rate / bst.Rate()
		}
	}
	r.Scenarios = append(r.Scenarios, rows...)
	return nil
}

// alternate measures GETs of ou and u in compareRounds pairs, each pair in
// the other order from the last (ABBA), for cfg.Duration on each in all.
func alternate(ctx context.Context, cfg config, ou, u string) (ost, pst loopStats) {
	d := cfg.Duration / compareRounds
	for i := range compareRounds {
		if i%2 == 0 { // the compared server first, then Parley first: ABBA
			ost = ost.plus(readLoop(ctx, cfg, ou, d, cfg.ComparePID))
			pst = pst.plus(readLoop(ctx, cfg, u, d, cfg.PID))
			continue
		}
		pst = pst.plus(readLoop(ctx, cfg, u, d, cfg.PID))
		ost = ost.plus(readLoop(ctx, cfg, ou, d, cfg.ComparePID))
	}
	return ost, pst
}

// measureFirstScreen measures what an article page and an article list
// ask for besides page 1 at -readers (measureReads): page 1 of the small
// story over one connection, a reader at a time, and the counts of an
// article list.
func measureFirstScreen(ctx context.Context, cfg config, a, other *api, stories []string, suffix string, log io.Writer, r *results) error {
	small := stories[0]
	spec := readSpec{u: a.pageURL(small), name: "page 1, " + sizeLabel(cfg.Small) + " story, c1", label: sizeLabel(cfg.Small), readers: 1}
	if other != nil {
		spec.ou = other.pageURL(small)
	}
	if err := measureRead(ctx, cfg, spec, a, other, log, r); err != nil {
		return err
	}
	ids, err := articleList(ctx, cfg, a, other, stories, suffix, log)
	if err != nil {
		return err
	}
	spec = readSpec{u: a.countsURL(ids), name: fmt.Sprintf("counts, %d stories", len(ids)), label: countsLabel}
	if other != nil {
		spec.ou = other.countsURL(ids)
	}
	return measureRead(ctx, cfg, spec, a, other, log, r)
}
