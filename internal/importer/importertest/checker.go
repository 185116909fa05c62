package importertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"parley/internal/importer"
)

// Bounds are what a parser promises of the records it emits, for a
// Checker to hold it to: the most bytes of each field, and the checks that
// not every format can promise.
type Bounds struct {
	// Field is the most bytes of any string field not bounded below.
	Field int
	// Body is the most bytes of a post's body.
	Body int
	// ThreadKey bounds a thread's key and a post's Thread, AuthorKey an
	// author's key (its own or inline in a post), URL a thread's URL, where
	// a parser makes them longer than Field (WordPress prefixes "guid:"
	// and "user:"); 0 is Field.
	ThreadKey, AuthorKey, URL int

	// ThreadKeys: every thread has a key. Disqus passes an empty one on
	// for the core to repair.
	ThreadKeys bool
	// ThreadsOnce: no thread key is emitted twice.
	ThreadsOnce bool
	// ThreadFirst: every post's thread was emitted before it; without it,
	// only that a post names a thread.
	ThreadFirst bool
	// AuthorsOnce: every Author emitted on its own has a key not emitted
	// before.
	AuthorsOnce bool
	// NoAuthors: no Author is emitted on its own; the format has them
	// inline in its posts.
	NoAuthors bool
	// HTML: every post's Format is FormatHTML.
	HTML bool
}

// Checker is an importer.Emitter that checks every record as it comes
// against what the core relies on and keeps the first broken invariant
// (Err): every field within its bound and valid UTF-8, times in UTC,
// statuses known, repairs and skips named, and what Bounds asks besides.
// A parser's fuzz target reads its input into one and fails on Err.
type Checker struct {
	b       Bounds
	mu      sync.Mutex
	threads map[string]bool
	authors map[string]bool
	err     error
}

var _ importer.Emitter = (*Checker)(nil)

// NewChecker returns a Checker holding records to b.
func NewChecker(b Bounds) *Checker {
	if b.ThreadKey == 0 {
		b.ThreadKey = b.Field
	}
	if b.AuthorKey == 0 {
		b.AuthorKey = b.Field
	}
	if b.URL == 0 {
		b.URL = b.Field
	}
	return &Checker{b: b, threads: map[string]bool{}, authors: map[string]bool{}}
}

// Err is the first invariant a record broke, nil if none did.
func (c *Checker) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *Checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *Checker) field(what, s string, limit int) {
	if len(s) > limit {
		c.fail("%s of %d bytes, over the bound of %d", what, len(s), limit)
	}
	if !utf8.ValidString(s) {
		c.fail("%s is not valid UTF-8: %q", what, s)
	}
}

func (c *Checker) utc(what string, t time.Time) {
	if !t.IsZero() && t.Location() != time.UTC {
		c.fail("%s %v not in UTC", what, t)
	}
}

// Thread checks t.
func (c *Checker) Thread(_ context.Context, t *importer.Thread) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.b.ThreadKeys && t.Key == "" {
		c.fail("a thread without a key")
	}
	if c.b.ThreadsOnce && c.threads[t.Key] {
		c.fail("thread %q emitted twice", t.Key)
	}
	c.threads[t.Key] = true
	c.field("a thread's key", t.Key, c.b.ThreadKey)
	c.field("a thread's URL", t.URL, c.b.URL)
	for _, f := range []string{t.Ident, t.Title, t.Lang} {
		c.field("a thread's field", f, c.b.Field)
	}
	c.utc("thread time", t.CreatedAt)
	return nil
}

func (c *Checker) author(whose string, a *importer.Author) {
	c.field(whose+" key", a.Key, c.b.AuthorKey)
	for _, f := range []string{a.Name, a.Email, a.SSO} {
		c.field(whose+" field", f, c.b.Field)
	}
}

// Author checks a.
func (c *Checker) Author(_ context.Context, a *importer.Author) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.b.NoAuthors {
		c.fail("an Author %q on its own; the format has them inline", a.Key)
	}
	if c.b.AuthorsOnce && (a.Key == "" || c.authors[a.Key]) {
		c.fail("author %q: empty or emitted twice", a.Key)
	}
	c.authors[a.Key] = true
	c.author("an author's", a)
	return nil
}

// Post checks p.
func (c *Checker) Post(_ context.Context, p *importer.Post) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.Thread == "" {
		c.fail("post %q without a thread key", p.Key)
	}
	if c.b.ThreadFirst && !c.threads[p.Thread] {
		c.fail("post %q: thread %q not emitted before it", p.Key, p.Thread)
	}
	c.field("a post's body", p.Body, c.b.Body)
	c.field("a post's thread", p.Thread, c.b.ThreadKey)
	c.field("a post's key", p.Key, c.b.Field)
	c.field("a post's parent", p.Parent, c.b.Field)
	c.author("a post's author's", &p.Author)
	c.utc("post time", p.CreatedAt)
	c.utc("post edit time", p.EditedAt)
	if c.b.HTML && p.Format != importer.FormatHTML {
		c.fail("post %q: format %v, want HTML", p.Key, p.Format)
	}
	if p.Status < importer.StatusApproved || p.Status > importer.StatusDeleted {
		c.fail("post %q: status %v", p.Key, p.Status)
	}
	return nil
}

// Repaired checks that kind is named.
func (c *Checker) Repaired(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if kind == "" {
		c.fail("a repair without a kind")
	}
}

// Skipped checks that reason is given.
func (c *Checker) Skipped(reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if reason == "" {
		c.fail("a skip without a reason")
	}
}

// Fuzz runs f's fuzz target over read, the parser's Read: whatever the
// bytes, read returns (an error or nil) without panicking, and every record
// it emits keeps the invariants a Checker of b holds it to.
func Fuzz(f *testing.F, b Bounds, read func(context.Context, io.Reader, importer.Emitter) error) {
	f.Fuzz(func(t *testing.T, in []byte) {
		c := NewChecker(b)
		_ = read(t.Context(), bytes.NewReader(in), c)
		if err := c.Err(); err != nil {
			t.Fatal(err)
		}
	})
}
