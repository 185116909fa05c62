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

// measureRead starts a replay of Parley's own bytes for spec and then
// measures Parley, the replay and, with -compare, the compared server,
// alternated (see alternate), and adds their rows: on a machine shared
// with other work a run after another can meet another load, and
// alternating spreads the drift over all three.
func measureRead(ctx context.Context, cfg config, spec readSpec, a, other *api, log io.Writer, r *results) error {
	lc := cfg
	if spec.readers > 0 {
		lc.Readers = spec.readers
	}
	p, err := warmPage(ctx, a.client, spec.u)
	if err != nil {
		return fmt.Errorf("%s: %w", spec.name, err)
	}
	b, err := startBaselineProcess(ctx, p)
	if err != nil {
		return err
	}
	targets := []target{{spec.u, cfg.PID}, {b.URL + p.RequestURI, b.cmd.Process.Pid}}
	if other != nil {
		if _, err := warmPage(ctx, other.client, spec.ou); err != nil {
			b.Close()
			return fmt.Errorf("-compare: %s: %w", spec.name, err)
		}
		targets = append(targets, target{spec.ou, cfg.ComparePID})
	}
	fmt.Fprintf(log, "reads: %s, %d connections, parley, baseline and the compared server (with -compare) alternated, %v each\n",
		spec.name, lc.Readers, cfg.Duration)
	st := alternate(ctx, lc, targets)
	if err := b.Close(); err != nil {
		return err
	}
	rows := []scenario{newScenario(spec.name+", parley", "parley", "req/s", st[0]), newScenario(spec.name+", baseline", "baseline", "req/s", st[1])}
	if other != nil {
		rows = append(rows, newScenario(spec.name+", compared server", "compare", "req/s", st[2]))
	}
	for i := range rows {
		rows[i].Story, rows[i].Readers, rows[i].Served, rows[i].Raw, rows[i].Gzip = spec.label, spec.readers, len(p.Body), p.Raw, p.Gzip
		if st[1].Rate() > 0 && rows[i].Kind != "baseline" {
			rows[i].Ratio = rows[i].Rate / st[1].Rate()
		}
	}
	r.Scenarios = append(r.Scenarios, rows...)
	return nil
}

// target is a URL to read and the PID of the server behind it (0: none
// known).
type target struct {
	u   string
	pid int
}

// alternate measures GETs of each target in compareRounds rounds, each
// round in the reverse order of the last (ABBA, or ABCCBA with three),
// for cfg.Duration on each in all.
func alternate(ctx context.Context, cfg config, targets []target) []loopStats {
	st := make([]loopStats, len(targets))
	d := cfg.Duration / compareRounds
	for i := range compareRounds {
		for j := range targets {
			k := j
			if i%2 == 1 {
				k = len(targets) - 1 - j
			}
			st[k] = st[k].plus(readLoop(ctx, cfg, targets[k].u, d, targets[k].pid))
		}
	}
	return st
}

// measurePage1 measures page 1 of a story at -readers connections.
func measurePage1(ctx context.Context, cfg config, a, other *api, story, label string, log io.Writer, r *results) error {
	u := a.pageURL(story)
	p, err := warmPage(ctx, a.client, u)
	if err != nil {
		return fmt.Errorf("page 1 of %s: %w", story, err)
	}
	r.Pages = append(r.Pages, pageInfo{Story: story, CommentCount: p.CommentCount, TopLevel: p.Comments, ETag: p.Header.Get("ETag")})
	spec := readSpec{u: u, name: "page 1, " + label + " story", label: label}
	if other != nil {
		spec.ou = other.pageURL(story)
	}
	return measureRead(ctx, cfg, spec, a, other, log, r)
}

// measureFirstScreen measures what an article page and an article list
// ask for besides page 1 at -readers (measurePage1): page 1 of the small
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
