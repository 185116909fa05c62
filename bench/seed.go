package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// seedResult says how a story was brought to its wanted size.
type seedResult struct {
	Story   string        `json:"story"`
	Wanted  int           `json:"wanted"`
	Before  int           `json:"before"`
	Posted  int           `json:"posted"`
	Failed  int           `json:"failed"`
	Elapsed time.Duration `json:"elapsedNs"`
}

// seedRetries bounds how often one comment is retried after a 429, a 503 or a
// transport error; a seed is setup, not a measurement, so back-pressure from
// the server should slow it down rather than break it.
const seedRetries = 6

// seeder posts a fixed number of comments with many concurrent posters.
type seeder struct {
	api     *api
	workers int
	seed    uint64
	log     io.Writer
}

// seedStory brings story up to want comments. When the counts endpoint
// already reports at least want (a reused story), it posts nothing.
func (s *seeder) seedStory(ctx context.Context, story string, want int) (seedResult, error) {
	res := seedResult{Story: story, Wanted: want}
	before, err := s.api.count(ctx, story)
	if err != nil {
		return res, fmt.Errorf("count before seeding %s: %w", story, err)
	}
	res.Before = before
	need := want - before
	if need <= 0 {
		return res, nil
	}
	fmt.Fprintf(s.log, "seeding %s: %d comments with %d posters\n", story, need, s.workers)
	begin := time.Now()
	posted, failed, err := s.post(ctx, story, need)
	res.Posted, res.Failed, res.Elapsed = posted, failed, time.Since(begin)
	if err != nil {
		return res, fmt.Errorf("seed %s: %w", story, err)
	}
	return res, nil
}

// post runs the concurrent posters until need comments are acknowledged or
// more than a tolerated number (1 %, at least 10) finally failed.
func (s *seeder) post(ctx context.Context, story string, need int) (posted, failed int, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next, ok, bad atomic.Int64
		wg            sync.WaitGroup
		pool          parentPool
		budget        = int64(max(10, need/100))
	)
	stop := s.progress(story, need, &ok)
	defer stop()
	for w := range s.workers {
		p := newPoster(s.api, story, &pool, s.seed+uint64(w)*7919)
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(need) {
				if postWithRetry(ctx, p) {
					ok.Add(1)
				} else if bad.Add(1) > budget {
					cancel(fmt.Errorf("more than %d posts failed", budget))
				}
			}
		})
	}
	wg.Wait()
	if cerr := context.Cause(ctx); cerr != nil {
		return int(ok.Load()), int(bad.Load()), cerr
	}
	return int(ok.Load()), int(bad.Load()), nil
}

// postWithRetry posts one comment, retrying transient failures with
// exponential backoff. It reports whether the comment was acknowledged.
func postWithRetry(ctx context.Context, p *poster) bool {
	backoff := 50 * time.Millisecond
	for range seedRetries {
		status, err := p.postOne(ctx)
		if err == nil && status == http.StatusCreated {
			return true
		}
		transient := errors.Is(err, context.DeadlineExceeded) || status == 0 ||
			status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
		if !transient || ctx.Err() != nil {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
	return false
}

// progress prints the seeding progress every few seconds until stopped, so
// a long seed of a large story does not look like a hang.
func (s *seeder) progress(story string, need int, ok *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(s.log, "  %s: %d/%d\n", story, ok.Load(), need)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
