package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
)

// maxDepth is the deepest reply the generator writes (top level is 0).
const maxDepth = 7

// parentRef names a comment that was acknowledged by the server.
type parentRef struct {
	id    string
	depth int
}

// parentPool collects the acknowledged comments of one story that may still
// take a reply, so that replies always point at comments the server really
// stored (chosen from the 201 responses) and never exceed maxDepth.
type parentPool struct {
	mu    sync.Mutex
	items []parentRef
}

func (p *parentPool) add(ref parentRef) {
	if ref.id == "" || ref.depth >= maxDepth {
		return
	}
	p.mu.Lock()
	p.items = append(p.items, ref)
	p.mu.Unlock()
}

// pick returns a parent: half the time one of the 64 most recent comments
// (conversations cluster around fresh comments, which builds deep chains),
// otherwise any earlier one. It reports false while the pool is empty.
func (p *parentPool) pick(rng *rand.Rand) (parentRef, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.items)
	if n == 0 {
		return parentRef{}, false
	}
	if rng.IntN(2) == 0 && n > 64 {
		return p.items[n-64+rng.IntN(64)], true
	}
	return p.items[rng.IntN(n)], true
}

func (p *parentPool) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.items)
}

// poster writes comments to one story with the benchmark's shape: German
// text, about one third replies. Each worker owns one poster.
type poster struct {
	api   *api
	story string
	info  *storyInfo
	pool  *parentPool
	gen   *textGen
	name  string // "" for a signed-in poster
	token string // commenter token once the server has given one, or the session
}

func newPoster(a *api, story string, pool *parentPool, seed uint64) *poster {
	gen := newTextGen(seed)
	return &poster{
		api:   a,
		story: story,
		info:  &storyInfo{URL: "https://example.org/bench/" + story, Title: "Benchmark: " + story, Lang: "de"},
		pool:  pool,
		gen:   gen,
		name:  gen.Name(),
	}
}

// postOne sends one comment and records an acknowledged one in the pool.
// It returns the HTTP status (0 on a transport error).
func (p *poster) postOne(ctx context.Context) (int, error) {
	req := &postRequest{Body: p.gen.Body(), Story: p.info}
	if p.name != "" { // a signed-in poster posts under their own name
		req.Author = &postAuthor{Name: p.name}
	}
	depth := 0
	if p.gen.rng.IntN(3) == 0 {
		if parent, ok := p.pool.pick(p.gen.rng); ok {
			req.ParentID, depth = parent.id, parent.depth+1
		}
	}
	status, ref, err := p.api.post(ctx, p.story, req, &p.token)
	if err != nil || status != http.StatusCreated {
		return status, err
	}
	if ref.depth < 0 { // the server did not echo the depth
		ref.depth = depth
	}
	p.pool.add(ref)
	return status, nil
}

// writeOps returns the per-worker operation of the timed write scenario.
func writeOps(a *api, story string, pool *parentPool, seed uint64) func(int) opFunc {
	return func(w int) opFunc {
		p := newPoster(a, story, pool, seed+uint64(w))
		return func(ctx context.Context) bool {
			status, err := p.postOne(ctx)
			return err == nil && status == http.StatusCreated
		}
	}
}
