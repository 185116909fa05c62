package wordpress

import (
	"os"
	"path/filepath"
	"testing"

	"parley/internal/importer/importertest"
)

// bounds are what Read promises of every record: keys carry a "guid:" or
// "user:" prefix over MaxField, a URL may be twice MaxField, a comment
// comes inside its post, bodies are HTML.
var bounds = importertest.Bounds{
	Field: MaxField, Body: MaxBody,
	ThreadKey: MaxField + len("guid:"), AuthorKey: MaxField + len("user:"), URL: 2 * MaxField,
	ThreadKeys: true, ThreadFirst: true, HTML: true,
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
	importertest.Fuzz(f, bounds, Read)
}
