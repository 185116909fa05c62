package remark42

import (
	"os"
	"testing"

	"parley/internal/importer/importertest"
)

// FuzzRead checks that no input makes Read panic or hand on a record that
// breaks what the core relies on: every post in a thread emitted before
// it, no field over its bound, valid UTF-8 throughout.
func FuzzRead(f *testing.F) {
	raw, err := os.ReadFile("testdata/backup-news-20260601.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, seed := range []string{
		metaLine,
		metaLine + line("https://a.example/", "c1", "Hallo"),
		metaLine + "{\"id\":\"x\",\"locator\":{\"url\":\"u\"},\"time\":1767225600,\"edit\":{\"time\":\"2026-01-01 10:00:00\"}}\n",
		"{\"version\":1,\"users\":[{\"id\":\"u\",\"details\":{\"email\":\"caf\xe9@x\"}}],\"posts\":[{\"url\":\"u\",\"read_only\":true}]}\n" + line("u", "c", "x"),
		metaLine + "{\"id\":\"c\",\"pid\":\"p\",\"text\":\"<p>t</p>\",\"user\":{\"id\":\"anonymous_1\"},\"locator\":{\"url\":\"u\"},\"delete\":true}",
	} {
		f.Add([]byte(seed))
	}
	importertest.Fuzz(f, importertest.Bounds{
		Field: MaxField, Body: MaxBody,
		ThreadKeys: true, ThreadsOnce: true, ThreadFirst: true, AuthorsOnce: true,
	}, Read)
}
