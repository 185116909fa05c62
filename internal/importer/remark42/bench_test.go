package remark42

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"parley/internal/importer/importertest"
)

// generated yields a backup of n comments, 20 a page, without holding it.
type generated struct {
	n, i int
	buf  strings.Reader
}

func (g *generated) Read(p []byte) (int, error) {
	for g.buf.Len() == 0 {
		if g.i > g.n {
			return 0, io.EOF
		}
		var s string
		if g.i == 0 {
			s = `{"version":1,"users":[],"posts":[]}` + "\n"
		} else {
			s = fmt.Sprintf(`{"id":"c%d","pid":"c%d","text":"<p>Ein Kommentar mit etwas Text, wie er üblich ist.</p>\n",`+
				`"orig":"Ein Kommentar mit etwas Text, wie er üblich ist.","user":{"name":"Leserin %d","id":"github_%d",`+
				`"picture":"","ip":"3b0f9c1d2e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c","admin":false},"locator":{"site":"news",`+
				`"url":"https://news.example/story/%d"},"score":0,"vote":0,"time":"2026-03-10T08:15:00Z","title":"Geschichte %d"}`+"\n",
				g.i, g.i-1, g.i%997, g.i%997, g.i/20, g.i/20)
		}
		g.i++
		g.buf.Reset(s)
	}
	return g.buf.Read(p)
}

func BenchmarkRead(b *testing.B) {
	b.ReportAllocs()
	if err := Read(context.Background(), &generated{n: b.N}, new(importertest.Counter)); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
}
