package importer

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestInputOpensPlainAndGzip(t *testing.T) {
	dir := t.TempDir()
	const text = "<disqus>Grüße</disqus>\n"
	if err := os.WriteFile(filepath.Join(dir, "plain.xml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "comments.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	z := gzip.NewWriter(f)
	io.WriteString(z, text)
	z.Close()
	f.Close()

	for _, c := range []struct{ path, name string }{
		{filepath.Join(dir, "plain.xml"), ""},
		{filepath.Join(dir, "comments.json.gz"), ""}, // by its bytes, not its name
		{dir, "comments.json"},                       // finds comments.json.gz
	} {
		in := NewInput(c.path)
		r, err := in.Open(c.name)
		if err != nil {
			t.Fatalf("%s %q: %v", c.path, c.name, err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(b) != text {
			t.Errorf("%s %q: read %q, %v; want %q", c.path, c.name, b, err, text)
		}
		if in.Read() == 0 {
			t.Errorf("%s %q: no bytes counted", c.path, c.name)
		}
	}
	in := NewInput(dir)
	size, err := in.Size()
	if err != nil || size == 0 {
		t.Errorf("Size of the folder = %d, %v", size, err)
	}
	if _, err := in.Open(""); err == nil {
		t.Error("a folder opened as a file")
	}
	if _, err := NewInput(filepath.Join(dir, "missing")).Open(""); err == nil {
		t.Error("a missing file opened")
	}
}
