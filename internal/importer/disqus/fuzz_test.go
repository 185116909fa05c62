package disqus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"parley/internal/importer"
)

// checker is an Emitter that checks the invariants of every record as it
// comes.
type checker struct{ t *testing.T }

func (c checker) field(what, v string, limit int) {
	if len(v) > limit {
		c.t.Errorf("%s of %d bytes, over the bound of %d", what, len(v), limit)
	}
	if !utf8.ValidString(v) {
		c.t.Errorf("%s is not valid UTF-8: %q", what, v)
	}
}

func (c checker) Thread(_ context.Context, t *importer.Thread) error {
	for _, f := range []string{t.Key, t.Ident, t.URL, t.Title, t.Lang} {
		c.field("a thread's field", f, MaxField)
	}
	if !t.CreatedAt.IsZero() && t.CreatedAt.Location() != time.UTC {
		c.t.Errorf("thread time %v not in UTC", t.CreatedAt)
	}
	return nil
}

func (c checker) Author(context.Context, *importer.Author) error {
	c.t.Error("an Author on its own; Disqus has them inline")
	return nil
}

func (c checker) Post(_ context.Context, p *importer.Post) error {
	if p.Thread == "" {
		c.t.Errorf("post %q without a thread key", p.Key)
	}
	c.field("a post's body", p.Body, MaxBody)
	for _, f := range []string{p.Key, p.Thread, p.Parent, p.Author.Key, p.Author.Name, p.Author.Email} {
		c.field("a post's field", f, MaxField)
	}
	if !p.CreatedAt.IsZero() && p.CreatedAt.Location() != time.UTC {
		c.t.Errorf("post time %v not in UTC", p.CreatedAt)
	}
	if p.Format != importer.FormatHTML {
		c.t.Errorf("post format %v, want HTML", p.Format)
	}
	return nil
}

func (c checker) Repaired(string) {}
func (c checker) Skipped(string)  {}

// FuzzRead: whatever the bytes, Read returns (an error or nil), never
// panics, and every record it emits is within bounds.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"", "<disqus/>", head + onePost + "</disqus>",
		head + `<post><message><![CDATA[x]]]]></message><thread dsq:id="1"/><parent dsq:id=""/></post></disqus>`,
		head + "<post dsq:id=\"\xff\"><message>&bogus; &#xD800; &#1114112; &</message><thread dsq:id=\"1\"/></post></disqus>",
		`<!DOCTYPE disqus [<!ENTITY a "b">]><disqus>&a;</disqus>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		Read(t.Context(), bytes.NewReader(in), checker{t})
	})
}
