package commento

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"unicode/utf8"

	"parley/internal/importer"
)

// FuzzRead checks that no input makes Read panic or hand on a record that
// breaks what the core relies on: every post in a thread emitted before
// it, no field over its bound, valid UTF-8 throughout.
func FuzzRead(f *testing.F) {
	raw, err := os.ReadFile("testdata/commento-news.example.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, seed := range []string{
		`{"version":1,"comments":[],"commenters":[]}`,
		`{"commenters":[{"commenterHex":"a","email":"e","name":"n"}],"comments":[{"commentHex":"c","domain":"d","url":"/","commenterHex":"a","parentHex":"root"}]}`,
		`{"version":1,"comments":[{"commentHex":"c","domain":"d","url":"/","commenterHex":"anonymous","markdown":"[deleted]","state":"flagged","creationDate":1767225600}]}`,
		"{\"comments\":[{\"domain\":\"d\",\"markdown\":\"caf\xe9\",\"html\":\"<b>x</b>\",\"state\":\" Unapproved\"}]}",
		`{"version":1,"comments":[{"commentHex":1}],"x":{"y":[1,2,{}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &checker{threads: map[string]bool{}, authors: map[string]bool{}}
		_ = Read(context.Background(), bytes.NewReader(in), c)
		if c.err != nil {
			t.Fatal(c.err)
		}
	})
}

// checker is an importer.Emitter that records the first broken invariant.
type checker struct {
	threads, authors map[string]bool
	err              error
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *checker) fields(what string, fs ...string) {
	for _, s := range fs {
		if len(s) > MaxField {
			c.fail("%s: a field of %d bytes", what, len(s))
		}
		if !utf8.ValidString(s) {
			c.fail("%s: invalid UTF-8 %q", what, s)
		}
	}
}

func (c *checker) Thread(_ context.Context, t *importer.Thread) error {
	if t.Key == "" || c.threads[t.Key] {
		c.fail("thread %q: empty or emitted twice", t.Key)
	}
	c.threads[t.Key] = true
	c.fields("thread", t.Key, t.URL, t.Title)
	return nil
}

func (c *checker) Author(_ context.Context, a *importer.Author) error {
	if a.Key == "" || c.authors[a.Key] {
		c.fail("author %q: empty or emitted twice", a.Key)
	}
	c.authors[a.Key] = true
	c.fields("author", a.Key, a.Name, a.Email)
	return nil
}

func (c *checker) Post(_ context.Context, p *importer.Post) error {
	if !c.threads[p.Thread] {
		c.fail("post %q: thread %q not emitted before it", p.Key, p.Thread)
	}
	if len(p.Body) > MaxBody || !utf8.ValidString(p.Body) {
		c.fail("post %q: body of %d bytes or invalid UTF-8", p.Key, len(p.Body))
	}
	c.fields("post", p.Key, p.Thread, p.Parent, p.Author.Key, p.Author.Name, p.Author.Email)
	if !p.CreatedAt.IsZero() && p.CreatedAt.Location().String() != "UTC" {
		c.fail("post %q: time %v not in UTC", p.Key, p.CreatedAt)
	}
	return nil
}

func (c *checker) Repaired(kind string) {
	if kind == "" {
		c.fail("a repair without a kind")
	}
}

func (c *checker) Skipped(reason string) {
	if reason == "" {
		c.fail("a skip without a reason")
	}
}
