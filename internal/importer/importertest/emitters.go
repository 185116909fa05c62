package importertest

import (
	"context"

	"parley/internal/importer"
)

// Canceller is a Recorder that calls Cancel once it has kept After posts,
// for a test that a parser stops when its context is cancelled.
type Canceller struct {
	Recorder
	After  int
	Cancel context.CancelFunc
}

// Post keeps p, then cancels if it was the After-th.
func (c *Canceller) Post(ctx context.Context, p *importer.Post) error {
	err := c.Recorder.Post(ctx, p)
	c.mu.Lock()
	n := len(c.Posts)
	c.mu.Unlock()
	if n == c.After {
		c.Cancel()
	}
	return err
}

// Failing is a Recorder whose Thread, Author or Post calls fail with
// ThreadErr, AuthorErr or PostErr where one is set (as a full disk would
// fail them), for a test that a parser returns its emitter's error.
type Failing struct {
	Recorder
	ThreadErr, AuthorErr, PostErr error
}

// Thread fails with ThreadErr, or keeps t.
func (f *Failing) Thread(ctx context.Context, t *importer.Thread) error {
	if f.ThreadErr != nil {
		return f.ThreadErr
	}
	return f.Recorder.Thread(ctx, t)
}

// Author fails with AuthorErr, or keeps a.
func (f *Failing) Author(ctx context.Context, a *importer.Author) error {
	if f.AuthorErr != nil {
		return f.AuthorErr
	}
	return f.Recorder.Author(ctx, a)
}

// Post fails with PostErr, or keeps p.
func (f *Failing) Post(ctx context.Context, p *importer.Post) error {
	if f.PostErr != nil {
		return f.PostErr
	}
	return f.Recorder.Post(ctx, p)
}

// Counter is an importer.Emitter that counts the records and keeps none,
// as the core's staging would not keep them in memory either: a benchmark
// of it measures the parser alone.
type Counter struct{ Threads, Authors, Posts int }

var _ importer.Emitter = (*Counter)(nil)

// Thread counts a thread.
func (c *Counter) Thread(context.Context, *importer.Thread) error { c.Threads++; return nil }

// Author counts an author.
func (c *Counter) Author(context.Context, *importer.Author) error { c.Authors++; return nil }

// Post counts a post.
func (c *Counter) Post(context.Context, *importer.Post) error { c.Posts++; return nil }

// Repaired does nothing.
func (*Counter) Repaired(string) {}

// Skipped does nothing.
func (*Counter) Skipped(string) {}
