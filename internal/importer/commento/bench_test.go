package commento

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"parley/internal/importer/importertest"
)

// generated yields an export of n comments, 20 a page, and a commenter
// for each, without holding it.
type generated struct {
	n, i int
	buf  strings.Reader
}

func (g *generated) Read(p []byte) (int, error) {
	for g.buf.Len() == 0 {
		var s string
		switch {
		case g.i == 0:
			s = `{"version":1,"comments":[`
		case g.i <= g.n:
			s = fmt.Sprintf(`{"commentHex":"%016x","domain":"news.example","url":"/story/%d","commenterHex":"%016x",`+
				`"markdown":"Un comentario con algo de texto, como suele ser.","html":"","parentHex":"root","score":0,`+
				`"state":"approved","creationDate":"2026-03-10T08:15:00Z","direction":0,"deleted":false}`, g.i, g.i/20, g.i%997)
			if g.i < g.n {
				s += ",\n"
			}
		case g.i == g.n+1:
			s = `],"commenters":[`
		case g.i <= 2*g.n+1:
			k := g.i - g.n - 1
			s = fmt.Sprintf(`{"commenterHex":"%016x","email":"lector%d@example.es","name":"Lector %d","link":"undefined",`+
				`"photo":"undefined","provider":"commento","joinDate":"2025-01-01T00:00:00Z","isModerator":false}`, k%997, k%997, k%997)
			if k < g.n {
				s += ",\n"
			}
		case g.i == 2*g.n+2:
			s = "]}\n"
		default:
			return 0, io.EOF
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
