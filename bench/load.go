package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// maxOpsPerLoop caps every measured loop by count as well as by time, so a
// misconfigured duration can never turn into an unbounded flood.
const maxOpsPerLoop = 50_000_000

// opFunc performs one request and reports whether it was a success
// (201 for writes, 200 for reads). Each worker gets its own opFunc so it can
// keep unshared state such as a random source.
type opFunc func(ctx context.Context) bool

// loopStats is what one measured loop produced.
type loopStats struct {
	OK      uint64
	Failed  uint64
	Elapsed time.Duration
	Latency *histogram // successful requests only
	// CPU is the server's CPU time (user and system) during the loop,
	// when its PID is known (see onServer); 0 otherwise.
	CPU time.Duration
}

// Rate returns successful operations per second.
func (s loopStats) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.OK) / s.Elapsed.Seconds()
}

// runLoop starts workers goroutines, each built by newOp, that repeat their
// operation until d has passed, ctx is done or maxOps operations have
// started. Requests in flight at the deadline are allowed to finish, so no
// work is counted as failed merely because time ran out; Elapsed covers them.
func runLoop(ctx context.Context, workers int, d time.Duration, maxOps uint64, newOp func(worker int) opFunc) loopStats {
	var (
		wg      sync.WaitGroup
		started atomic.Uint64
		hists   = make([]*histogram, workers)
		fails   = make([]uint64, workers)
	)
	begin := time.Now()
	deadline := begin.Add(d)
	for w := range workers {
		hists[w] = new(histogram)
		op := newOp(w)
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) && started.Add(1) <= maxOps {
				t0 := time.Now()
				if op(ctx) {
					hists[w].Record(time.Since(t0))
				} else {
					fails[w]++
				}
			}
		})
	}
	wg.Wait()
	st := loopStats{Elapsed: time.Since(begin), Latency: new(histogram)}
	for w := range workers {
		st.Latency.Merge(hists[w])
		st.Failed += fails[w]
	}
	st.OK = st.Latency.Count()
	return st
}
