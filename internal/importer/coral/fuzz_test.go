package coral

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

// FuzzRead checks what holds for any input: no panic, every post names a
// thread, every thread has a key, and no field is over its bound.
func FuzzRead(f *testing.F) {
	for _, dir := range []string{"testdata/site", "testdata/array"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "{}", "[]", "[{}]", `{"id":"c","storyID":"s","revisions":[{"body":"a"}]}`,
		`{"id":"s","url":"u","closedAt":false}`, `{"id":"u","profiles":[{"type":"sso","id":"x"}]}`,
		`{"storyID":"s","createdAt":{"$date":{"$numberLong":"1"}}}`, "{\"a\":\"\\\"}\"}\n{}", "{\xfc}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec importertest.Recorder
		_ = Read(context.Background(), bytes.NewReader(b), &rec)
		for _, th := range rec.Threads {
			if th.Key == "" {
				t.Error("a thread without a key")
			}
			checkFields(t, th.Key, th.URL, th.Title, th.Ident, th.Lang)
		}
		for _, a := range rec.Authors {
			checkFields(t, a.Key, a.Name, a.Email, a.SSO)
		}
		for _, p := range rec.Posts {
			if p.Thread == "" {
				t.Error("a post without a thread")
			}
			if len(p.Body) > maxBody {
				t.Errorf("a body of %d bytes", len(p.Body))
			}
			checkFields(t, p.Key, p.Thread, p.Parent, p.Author.Key)
			if !p.CreatedAt.IsZero() && p.CreatedAt.Location().String() != "UTC" {
				t.Errorf("a time in %v", p.CreatedAt.Location())
			}
			if p.Format != importer.FormatHTML {
				t.Errorf("format %v", p.Format)
			}
		}
	})
}

func checkFields(t *testing.T, fields ...string) {
	t.Helper()
	for _, f := range fields {
		if len(f) > maxField {
			t.Errorf("a field of %d bytes", len(f))
		}
		if !utf8.ValidString(f) {
			t.Errorf("invalid UTF-8 in %q", f)
		}
	}
}
