package wordpress

import (
	"context"
	"io"
	"strings"
	"testing"

	"parley/internal/importer"
)

// counter is an Emitter that counts and keeps nothing, as the core's
// staging would not keep records in memory either.
type counter struct{ threads, posts int }

func (c *counter) Thread(context.Context, *importer.Thread) error { c.threads++; return nil }
func (c *counter) Author(context.Context, *importer.Author) error { return nil }
func (c *counter) Post(context.Context, *importer.Post) error     { c.posts++; return nil }
func (c *counter) Repaired(string)                                {}
func (c *counter) Skipped(string)                                 {}

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
	var c counter
	if err := Read(context.Background(), in, &c); err != nil {
		t.Fatal(err)
	}
	if c.posts != 10*c.threads || c.posts < 50000 {
		t.Fatalf("%d threads, %d posts", c.threads, c.posts)
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
		var c counter
		if err := Read(context.Background(), in, &c); err != nil {
			b.Fatal(err)
		}
		posts += c.posts
	}
	b.SetBytes(size)
	b.ReportMetric(float64(posts)/b.Elapsed().Seconds(), "comments/s")
}
