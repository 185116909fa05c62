package importertest

import (
	"bytes"
	"compress/gzip"
	"os"
	"testing"
)

// WriteGzip writes a gzip copy of the file src to dst, as the sources hand
// their exports out, for a test that a parser reads it through
// importer.Input.
func WriteGzip(t testing.TB, src, dst string) {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write(raw)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Open opens the file at path for t to read, and closes it when t ends.
func Open(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
