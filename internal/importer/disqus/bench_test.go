package disqus

import (
	"bytes"
	"testing"

	"parley/internal/importer/disqus/disqusgen"
	"parley/internal/importer/importertest"
)

// BenchmarkRead parses a generated export of 20,000 comments.
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	if err := disqusgen.Generate(&buf, disqusgen.Options{Comments: 20_000, Threads: 100, Seed: 1, FaultRate: 0.01}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		var d importertest.Counter
		if err := Read(b.Context(), bytes.NewReader(buf.Bytes()), &d); err != nil || d.Posts < 19_000 {
			b.Fatal(err, d.Posts)
		}
	}
}
