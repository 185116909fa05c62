package wordpress

import (
	"context"
	"encoding/xml"
	"io"
	"testing"

	"parley/internal/importer/importertest"
)

func BenchmarkHugeCDATA(b *testing.B) {
	for b.Loop() {
		var rec importertest.Recorder
		if err := Read(context.Background(), huge("<![CDATA[", newRepeat("<p>Ein sehr langer Kommentar über den Haushalt.</p>\n", 20<<20), "]]>"), &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(20 << 20)
}

func BenchmarkPlainDecoder(b *testing.B) {
	for b.Loop() {
		d := xml.NewDecoder(huge("<![CDATA[", newRepeat("<p>Ein sehr langer Kommentar über den Haushalt.</p>\n", 20<<20), "]]>"))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(20 << 20)
}
