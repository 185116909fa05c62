package wordpress

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"parley/internal/importer"
)

// checker is an Emitter that fails the fuzz run when a record breaks what
// the core relies on.
type checker struct {
	t       *testing.T
	threads map[string]bool
}

func (c *checker) field(what, s string, max int) {
	if len(s) > max {
		c.t.Fatalf("%s of %d bytes", what, len(s))
	}
	if !utf8.ValidString(s) {
		c.t.Fatalf("%s not UTF-8: %q", what, s)
	}
}

func (c *checker) Thread(_ context.Context, t *importer.Thread) error {
	if t.Key == "" {
		c.t.Fatal("thread without a key")
	}
	c.threads[t.Key] = true
	c.field("thread key", t.Key, MaxField+len("guid:"))
	c.field("URL", t.URL, 2*MaxField)
	c.field("title", t.Title, MaxField)
	c.field("lang", t.Lang, MaxField)
	if !t.CreatedAt.IsZero() && t.CreatedAt.Location().String() != "UTC" {
		c.t.Fatalf("thread time in %v", t.CreatedAt.Location())
	}
	return nil
}

func (c *checker) Author(_ context.Context, a *importer.Author) error {
	c.field("author key", a.Key, MaxField+len("user:"))
	c.field("author name", a.Name, MaxField)
	c.field("author email", a.Email, MaxField)
	return nil
}

func (c *checker) Post(ctx context.Context, p *importer.Post) error {
	if !c.threads[p.Thread] {
		c.t.Fatalf("post %q of thread %q, which was not emitted", p.Key, p.Thread)
	}
	c.field("post key", p.Key, MaxField)
	c.field("parent", p.Parent, MaxField)
	c.field("body", p.Body, MaxBody)
	if p.Format != importer.FormatHTML {
		c.t.Fatalf("format %v", p.Format)
	}
	if p.Status < importer.StatusApproved || p.Status > importer.StatusDeleted {
		c.t.Fatalf("status %v", p.Status)
	}
	if !p.CreatedAt.IsZero() && p.CreatedAt.Location().String() != "UTC" {
		c.t.Fatalf("post time in %v", p.CreatedAt.Location())
	}
	return c.Author(ctx, &p.Author)
}

func (c *checker) Repaired(kind string) {
	if kind == "" {
		c.t.Fatal("empty repair kind")
	}
}

func (c *checker) Skipped(reason string) {
	if reason == "" {
		c.t.Fatal("empty skip reason")
	}
}

func FuzzRead(f *testing.F) {
	for _, fx := range fixtures {
		raw, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(doc(xitem("1", xcomment("10", "<![CDATA[a\n\nb]]>"), xcomment("11", "x &amp; y &z; \xe9")))))
	f.Add([]byte(doc(xitem("", xcomment("", "")))))
	f.Add([]byte(`<rss><channel><item><wp:comment><wp:comment_content>x</wp:comment_content></wp:comment></item></channel></rss>`))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><rss><channel><item><title>caf` + "\xe9" + `</title></item></channel></rss>`))
	f.Add([]byte(`<!DOCTYPE rss [<!ENTITY a "b">]><rss/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &checker{t: t, threads: map[string]bool{}}
		Read(context.Background(), bytes.NewReader(data), c)
	})
}
