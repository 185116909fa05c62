package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// writeRounds is how many pairs of write loops run when two are compared,
// each pair in the other order from the last (ABBA) and each loop for its
// share of -duration, so that a change in the machine's load (shared, 2
// cores) falls on both alike.
const writeRounds = 4

// measureWrites runs the timed write loop of anonymous posters against
// the durable-append baseline (appendlog.go), ABBA, and, when the bench
// holds the site's SSO secret, the same loop with posters who signed in by
// SSO first, each on a fresh story of its own.
func measureWrites(ctx context.Context, cfg config, a *api, key *ssoKey, suffix string, log io.Writer, r *results) error {
	anon := newOps(cfg.Writers, writeOps(a, "bench-w-"+suffix, new(parentPool), textSeed))
	name := fmt.Sprintf("writes, %d posters", cfg.Writers)
	if key == nil {
		return measureWriteBaseline(ctx, cfg, a, anon, name, suffix, log, r)
	}
	sessions, err := signInPosters(ctx, a, key, cfg.Writers, suffix)
	if err != nil {
		return err
	}
	signed := newOps(cfg.Writers, sessionWriteOps(a, "bench-ws-"+suffix, new(parentPool), textSeed, sessions))
	fmt.Fprintf(log, "writes: %d anonymous and %d signed-in posters, %d pairs, %v each\n", cfg.Writers, cfg.Writers, writeRounds, cfg.Duration)
	as, ss := abba(ctx, cfg, anon, signed, cfg.PID)
	r.Scenarios = append(r.Scenarios, newScenario(name, "writes", "writes/s", as),
		newScenario(fmt.Sprintf("writes, %d signed-in posters (SSO sessions)", cfg.Writers), "session-writes", "writes/s", ss))
	return nil
}

// measureWriteBaseline runs the anonymous posters against Parley and
// against a durable-append server in the bench's own process, ABBA, so
// that the writes/s can be read as a share of what this machine allows
// for a durable write over HTTP at the same moment.
func measureWriteBaseline(ctx context.Context, cfg config, a *api, anon func(int) opFunc, name, suffix string, log io.Writer, r *results) error {
	dir := cfg.WriteBaselineDir
	if dir == "" {
		dir = os.TempDir()
	}
	wal, err := newAppendLog(dir)
	if err != nil {
		return err
	}
	defer wal.Close()
	srv, err := startBaseline(wal)
	if err != nil {
		return err
	}
	defer srv.Close(context.Background())
	other := *a
	other.base = srv.URL
	base := newOps(cfg.Writers, writeOps(&other, "bench-wb-"+suffix, new(parentPool), textSeed))
	fmt.Fprintf(log, "writes: %d posters on Parley and on a durable-append baseline in %s, %d pairs, %v each\n",
		cfg.Writers, dir, writeRounds, cfg.Duration)
	ps, bs := abba(ctx, cfg, anon, base, 0)
	r.Scenarios = append(r.Scenarios, newScenario(name, "writes", "writes/s", ps),
		newScenario(fmt.Sprintf("writes, %d posters, durable-append baseline", cfg.Writers), "write-baseline", "writes/s", bs))
	return nil
}

// abba runs loops a and b for writeRounds pairs, each pair in the other
// order from the last and each loop for its share of -duration. It records
// the CPU of the server -pid during a's loops, and that of bPID (0: none)
// during b's.
func abba(ctx context.Context, cfg config, a, b func(int) opFunc, bPID int) (loopStats, loopStats) {
	share := cfg.Duration / writeRounds
	loop := func(pid int, ops func(int) opFunc) loopStats {
		return onServer(pid, func() loopStats { return runLoop(ctx, cfg.Writers, share, maxOpsPerLoop, ops) })
	}
	var as, bs loopStats
	for i := range writeRounds {
		if i%2 == 0 {
			as = as.plus(loop(cfg.PID, a))
			bs = bs.plus(loop(bPID, b))
			continue
		}
		bs = bs.plus(loop(bPID, b))
		as = as.plus(loop(cfg.PID, a))
	}
	return as, bs
}

// newOps builds each worker's operation once, so that a poster stays the
// same commenter, with the same token or session, across rounds.
func newOps(workers int, newOp func(int) opFunc) func(int) opFunc {
	ops := make([]opFunc, workers)
	for w := range ops {
		ops[w] = newOp(w)
	}
	return func(w int) opFunc { return ops[w] }
}

// plus adds the counts, times and latencies of another run of a loop.
func (s loopStats) plus(o loopStats) loopStats {
	h := new(histogram)
	for _, l := range []*histogram{s.Latency, o.Latency} {
		if l != nil {
			h.Merge(l)
		}
	}
	return loopStats{OK: s.OK + o.OK, Failed: s.Failed + o.Failed, Elapsed: s.Elapsed + o.Elapsed, Latency: h, CPU: s.CPU + o.CPU}
}

// onServer runs loop and, when pid is not 0, records the CPU time that the
// server pid spent meanwhile: on a machine shared with other work the rate
// moves with the load, the CPU time of each request much less.
func onServer(pid int, loop func() loopStats) loopStats {
	if pid == 0 {
		return loop()
	}
	before, err := readProcCPU(pid)
	st := loop()
	after, err2 := readProcCPU(pid)
	if err == nil && err2 == nil {
		st.CPU = after - before
	}
	return st
}

// minSessionWriteRatio is how much of the anonymous write rate signed-in
// posters must keep: a session costs one read by primary key per request,
// which must not cost a fifth of the writes.
const minSessionWriteRatio = 0.8

// sessionWritesCheck compares signed-in with anonymous writes of the same
// run; SKIP without the SSO secret.
func sessionWritesCheck(r *results) check {
	c := check{Name: "signed-in vs anonymous writes/s, same run", Target: fmt.Sprintf(">= %.2f", minSessionWriteRatio)}
	anon, ok1 := findKind(r, "writes")
	signed, ok2 := findKind(r, "session-writes")
	switch {
	case !ok1 || !ok2:
		c.Value, c.Result = "not measured (needs -sso-secret-file)", "SKIP"
	case anon.Rate == 0:
		c.Value, c.Result = "no anonymous writes", "MISS"
	default:
		ratio := signed.Rate / anon.Rate
		c.Value = fmt.Sprintf("%.2f (%s vs %s writes/s%s)", ratio, thousands(signed.Rate), thousands(anon.Rate), cpuNote(signed, anon))
		c.Result = verdict(ratio >= minSessionWriteRatio)
	}
	return c
}
