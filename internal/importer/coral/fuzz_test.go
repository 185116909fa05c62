package coral

import (
	"os"
	"path/filepath"
	"testing"

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
	importertest.Fuzz(f, importertest.Bounds{Field: maxField, Body: maxBody, ThreadKeys: true, HTML: true}, Read)
}
