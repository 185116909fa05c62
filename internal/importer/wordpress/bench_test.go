package wordpress

import (
	"context"
	"io"
	"strings"
	"testing"

	"parley/internal/importer/importertest"
)

// typicalItem is a post with ten ordinary comments.
var typicalItem = func() string {
	var cs []string
	for range 10 {
		cs = append(cs, xcomment("7", "<![CDATA[Ein ganz gewöhnlicher Kommentar mit zwei Sätzen.\n\nUnd einem zweiten Absatz, wie sie meistens sind.]]>"))
	}
	return xitem("1", cs...)
}()

// many is a WXR file of n bytes of typical items.
func many(n int64) (io.Reader, *repeat) {
	body := newRepeat(typicalItem, n)
	return io.MultiReader(strings.NewReader(head), body, strings.NewReader(tail)), body
}

// TestBoundedMemory reads a file of many items and checks that what the
// parser holds does not grow with it.
func TestBoundedMemory(t *testing.T) {
	base := liveHeap()
	in, body := many(24 << 20)
	var c importertest.Counter
	if err := Read(context.Background(), in, &c); err != nil {
		t.Fatal(err)
	}
	if c.Posts != 10*c.Threads || c.Posts < 50000 {
		t.Fatalf("%d threads, %d posts", c.Threads, c.Posts)
	}
	if body.peak > base+8<<20 {
		t.Errorf("held %d MiB reading 24 MiB", (body.peak-base)>>20)
	}
}

func BenchmarkRead(b *testing.B) {
	const size = 16 << 20
	var posts int
	for b.Loop() {
		in, _ := many(size)
		var c importertest.Counter
		if err := Read(context.Background(), in, &c); err != nil {
			b.Fatal(err)
		}
		posts += c.Posts
	}
	b.SetBytes(size)
	b.ReportMetric(float64(posts)/b.Elapsed().Seconds(), "comments/s")
}
