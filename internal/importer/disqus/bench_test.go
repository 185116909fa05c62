package disqus

import (
	"bytes"
	"context"
	"testing"

	"parley/internal/importer"
	"parley/internal/importer/disqus/disqusgen"
)

// discard is an Emitter that keeps nothing.
type discard struct{ posts int }

func (*discard) Thread(context.Context, *importer.Thread) error { return nil }
func (*discard) Author(context.Context, *importer.Author) error { return nil }
func (d *discard) Post(context.Context, *importer.Post) error   { d.posts++; return nil }
func (*discard) Repaired(string)                                {}
func (*discard) Skipped(string)                                 {}

// BenchmarkRead parses a generated export of 20,000 comments.
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	if err := disqusgen.Generate(&buf, disqusgen.Options{Comments: 20_000, Threads: 100, Seed: 1, FaultRate: 0.01}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		var d discard
		if err := Read(b.Context(), bytes.NewReader(buf.Bytes()), &d); err != nil || d.posts < 19_000 {
			b.Fatal(err, d.posts)
		}
	}
}
