package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/moderation"
)

// progressEvery is the least time between two Progress calls of a phase.
const progressEvery = 200 * time.Millisecond

// Run imports the export in, read by parse, into the site opts.Site of
// target. It reads the whole export into a staging file first (exports
// are not grouped by story), repairs it there, and then writes one unit
// of work per story: a story is in the database whole or not at all.
// Comment and user IDs are derived from the records, so a second run, or
// a run after an interrupted one, writes only what is missing. A parse
// error ends the import before anything is written, since a story read
// only in part would be written in the wrong shape. The Summary is
// returned with an error too, saying what was done until then.
func Run(ctx context.Context, target Target, opts Options, parse Parser, in *Input) (*Summary, error) {
	start := time.Now()
	sum := &Summary{Repaired: map[string]int{}, Skipped: map[string]int{}, DryRun: opts.DryRun}
	defer func() { sum.Elapsed = time.Since(start) }()
	if !parley.ValidID(opts.Site) {
		return sum, parley.Errorf(parley.EINVALID, "Site %q is not a valid site ID.", opts.Site)
	}
	site, err := target.Site(ctx, opts.Site)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return sum, parley.Errorf(parley.ENOTFOUND, "Site %s does not exist: create it first (parley site create), so that its origins and settings are yours.", opts.Site)
	} else if err != nil {
		return sum, err
	}
	st, err := openStaging(ctx, opts.WorkDir)
	if err != nil {
		return sum, err
	}
	defer st.close()
	p := progress{fn: opts.Progress, start: start}
	if err := read(ctx, st, &opts, sum, parse, in, &p); err != nil {
		return sum, err
	}
	if err := st.resolve(ctx, sum); err != nil {
		return sum, err
	}
	w := &writer{target: target, opts: &opts, site: site, st: st, render: markup.New(),
		lists: map[string]moderation.Lists{}, sum: sum,
		tick: func(done, total, comments int64, final bool) { p.report(PhaseWriting, done, total, comments, final) }}
	return sum, w.write(ctx)
}

// read runs the parser into the staging file.
func read(ctx context.Context, st *staging, opts *Options, sum *Summary, parse Parser, in *Input, p *progress) error {
	size, _ := in.Size() // a size unknown shows no percentage, nothing worse
	e := &stager{s: st, opts: opts, sum: sum}
	e.tick = func(posts int64) { p.report(PhaseReading, in.Read(), size, posts, false) }
	err := parse(ctx, in, e)
	if err == nil {
		err = ctx.Err()
	}
	err = errors.Join(err, e.commit(ctx))
	p.report(PhaseReading, in.Read(), size, e.posts, true)
	if err != nil {
		return fmt.Errorf("importer: reading %s (nothing was written): %w", in.Path(), err)
	}
	return nil
}

// progress calls Options.Progress at most every progressEvery, and at
// the end of each phase.
type progress struct {
	fn    func(Progress)
	start time.Time
	last  time.Time
}

func (p *progress) report(phase string, done, total, comments int64, final bool) {
	if p.fn == nil {
		return
	}
	now := time.Now()
	if !final && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	p.fn(Progress{Phase: phase, Done: done, Total: total, Comments: comments, Elapsed: now.Sub(p.start), Final: final})
}
