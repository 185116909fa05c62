package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// memoryResult is what the memory scenario measured of the server.
type memoryResult struct {
	Stories     int     `json:"stories"`
	PeakRSS     int64   `json:"peakRssBytes"`  // highest VmRSS sampled during the reads
	HWM         int64   `json:"vmHwmBytes"`    // VmHWM after the reads (since the server started)
	LiveHeap    int64   `json:"liveHeapBytes"` // largest live heap in the GC trace during the reads
	GCs         int     `json:"gcs"`
	CacheBudget int64   `json:"cacheBudgetBytes"`
	Limit       int64   `json:"limitBytes"` // 2 × (live heap + cache budget)
	Rate        float64 `json:"readsPerSec"`
}

// storyIDs names the stories of a many-story scenario.
func storyIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return ids
}

// seedMany gives each story perStory top-level comments (fewer are posted
// where the counts endpoint already reports some), with cfg.Seeders posters
// working through the stories.
func seedMany(ctx context.Context, cfg config, a *api, ids []string, perStory int, log io.Writer) error {
	fmt.Fprintf(log, "seeding %d stories with %d comments each\n", len(ids), perStory)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	begin := time.Now()
	for w := range cfg.Seeders {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(ids)) && ctx.Err() == nil; i = next.Add(1) - 1 {
				if err := seedOne(ctx, a, ids[i], perStory, textSeed+uint64(w)); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(log, "seeded %d stories in %v, %d failed\n", len(ids), time.Since(begin).Round(time.Millisecond), failed.Load())
	if failed.Load() > 0 {
		return fmt.Errorf("seeding %d stories failed", failed.Load())
	}
	return ctx.Err()
}

// seedOne brings one story to want top-level comments.
func seedOne(ctx context.Context, a *api, story string, want int, seed uint64) error {
	have, err := a.count(ctx, story)
	if err != nil {
		return err
	}
	p := newPoster(a, story, new(parentPool), seed)
	for range want - have {
		p.pool = new(parentPool) // nothing to reply to: top level only
		if !postWithRetry(ctx, p) {
			return fmt.Errorf("post to %s failed", story)
		}
	}
	return nil
}

// measureMemory reads page 1 of random stories among ids with cfg.Readers
// connections for cfg.Duration while sampling the server's RSS, and reads
// its live heap from the GC trace.
func measureMemory(ctx context.Context, cfg config, a *api, ids []string, log io.Writer) (memoryResult, error) {
	res := memoryResult{Stories: len(ids), CacheBudget: cfg.CacheBudget}
	trace, err := openGCTrace(cfg.GCTrace)
	if err != nil {
		return res, err
	}
	urls := make([]string, len(ids))
	for i, id := range ids {
		urls[i] = a.pageURL(id)
	}
	c := &http.Client{Transport: newTransport(cfg.Readers), Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	fmt.Fprintf(log, "memory: page 1 of %d stories, %d connections for %v\n", len(ids), cfg.Readers, cfg.Duration)
	rss := sampleRSS(ctx, cfg.PID, 50*time.Millisecond)
	st := runLoop(ctx, cfg.Readers, cfg.Duration, maxOpsPerLoop, randomReads(c, urls))
	peak, err := rss.Stop()
	if err != nil {
		return res, err
	}
	m, err := readProcMemory(cfg.PID)
	if err != nil {
		return res, err
	}
	live, gcs, err := trace.maxLive()
	if err != nil {
		return res, err
	}
	res.PeakRSS, res.HWM, res.LiveHeap, res.GCs, res.Rate = peak, m.HWM, live, gcs, st.Rate()
	res.Limit = 2 * (live + cfg.CacheBudget)
	if st.Failed > 0 {
		return res, fmt.Errorf("memory reads: %d failed", st.Failed)
	}
	return res, nil
}

// randomReads is readOps over a random story per request.
func randomReads(c *http.Client, urls []string) func(int) opFunc {
	return func(w int) opFunc {
		rng := rand.New(rand.NewPCG(uint64(w), textSeed))
		return func(ctx context.Context) bool {
			resp, err := getGzip(ctx, c, urls[rng.IntN(len(urls))])
			if err != nil {
				return false
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return err == nil && resp.StatusCode == http.StatusOK
		}
	}
}

// settleResult is what the settle step measured: the server's RSS idle,
// after cfg.TotalWrites writes, and again after waiting cfg.Settle.
type settleResult struct {
	Writes  uint64        `json:"writes"`
	Failed  uint64        `json:"failed"`
	Rate    float64       `json:"writesPerSec"`
	Idle    int64         `json:"idleRssBytes"`
	Peak    int64         `json:"peakRssBytes"` // sampled during the writes
	After   int64         `json:"afterRssBytes"`
	Settled int64         `json:"settledRssBytes"` // cfg.Settle after the writes
	Wait    time.Duration `json:"settleNs"`
	Limit   int64         `json:"limitBytes"` // 1.5 × idle + cache budget
}

// measureSettle is the step "memory comes back": RSS idle, then
// cfg.TotalWrites comments by cfg.Writers posters, then RSS again after
// cfg.Settle, which must be within 1.5 × idle plus the page-cache budget.
func measureSettle(ctx context.Context, cfg config, a *api, story string, log io.Writer) (settleResult, error) {
	res := settleResult{Wait: cfg.Settle}
	m, err := readProcMemory(cfg.PID)
	if err != nil {
		return res, err
	}
	res.Idle, res.Limit = m.RSS, m.RSS*3/2+cfg.CacheBudget
	fmt.Fprintf(log, "settle: RSS idle %s; %d writes by %d posters\n", mib(m.RSS), cfg.TotalWrites, cfg.Writers)
	rss := sampleRSS(ctx, cfg.PID, 100*time.Millisecond)
	st := runLoop(ctx, cfg.Writers, time.Hour, uint64(cfg.TotalWrites), writeOps(a, story, new(parentPool), textSeed))
	if res.Peak, err = rss.Stop(); err != nil {
		return res, err
	}
	res.Writes, res.Failed, res.Rate = st.OK, st.Failed, st.Rate()
	if m, err = readProcMemory(cfg.PID); err != nil {
		return res, err
	}
	res.After = m.RSS
	fmt.Fprintf(log, "settle: %d writes (%.0f/s), RSS %s (peak %s); waiting %v\n", st.OK, res.Rate, mib(m.RSS), mib(res.Peak), cfg.Settle)
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(cfg.Settle):
	}
	if m, err = readProcMemory(cfg.PID); err != nil {
		return res, err
	}
	res.Settled = m.RSS
	return res, nil
}

// settleCheck is the settle step's verdict.
func settleCheck(s *settleResult) check {
	return check{
		Name: fmt.Sprintf("RSS %v after %d writes", s.Wait, s.Writes),
		Value: fmt.Sprintf("%s (idle %s, right after %s, peak %s; %.0f writes/s, %d failed)",
			mib(s.Settled), mib(s.Idle), mib(s.After), mib(s.Peak), s.Rate, s.Failed),
		Target: "<= 1.5 × idle + cache budget = " + mib(s.Limit),
		Result: verdict(s.Settled <= s.Limit && s.Failed == 0),
	}
}
