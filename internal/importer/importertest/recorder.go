// Package importertest helps test the parsers of package importer.
package importertest

import (
	"context"
	"sync"

	"parley/internal/importer"
)

// Recorder is an importer.Emitter that keeps everything it is given, for a
// parser's tests to compare with what a fixture holds.
type Recorder struct {
	mu      sync.Mutex
	Threads []*importer.Thread
	Authors []*importer.Author
	Posts   []*importer.Post
	Repairs map[string]int // by kind
	Skips   map[string]int // by reason
}

var _ importer.Emitter = (*Recorder)(nil)

// Thread keeps t.
func (r *Recorder) Thread(_ context.Context, t *importer.Thread) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Threads = append(r.Threads, t)
	return nil
}

// Author keeps a.
func (r *Recorder) Author(_ context.Context, a *importer.Author) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Authors = append(r.Authors, a)
	return nil
}

// Post keeps p.
func (r *Recorder) Post(_ context.Context, p *importer.Post) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Posts = append(r.Posts, p)
	return nil
}

// Repaired counts kind.
func (r *Recorder) Repaired(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Repairs == nil {
		r.Repairs = map[string]int{}
	}
	r.Repairs[kind]++
}

// Skipped counts reason.
func (r *Recorder) Skipped(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Skips == nil {
		r.Skips = map[string]int{}
	}
	r.Skips[reason]++
}
