package disqus

import (
	"os"
	"path/filepath"
	"testing"

	"parley/internal/importer/importertest"
)

// bounds are what Read promises of every record: thread keys may be empty
// (the core repairs them), authors come inline, bodies are HTML.
var bounds = importertest.Bounds{Field: MaxField, Body: MaxBody, NoAuthors: true, HTML: true}

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
	importertest.Fuzz(f, bounds, Read)
}
