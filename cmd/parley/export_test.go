package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportCommands moves a site from one SQLite file to another
// through the command line, and back to the same bytes.
func TestExportImportCommands(t *testing.T) {
	dir := t.TempDir()
	envOf := func(path string) func(string) string {
		return func(k string) string {
			if k == "PARLEY_DATABASE" {
				return "sqlite:" + path
			}
			return ""
		}
	}
	src, dst := envOf(filepath.Join(dir, "a.db")), envOf(filepath.Join(dir, "b.db"))
	var out bytes.Buffer
	if err := run(t.Context(), []string{"site", "create", "--id", "news", "--origin", "https://news.example", "--anonymous"}, src, &out, &out); err != nil {
		t.Fatalf("site create: %v\n%s", err, out.String())
	}
	file := filepath.Join(dir, "news.jsonl")
	if err := run(t.Context(), []string{"export", "--site", "news", "--out", file}, src, &out, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := run(t.Context(), []string{"export", "--site", "news", "--out", file}, src, &out, &out); err == nil {
		t.Error("export over an existing file succeeded")
	}
	out.Reset()
	if err := run(t.Context(), []string{"import", "parley", file, "--site", "news"}, dst, &out, &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out.String(), "1 site") {
		t.Errorf("import says %q", out.String())
	}
	var again bytes.Buffer
	if err := run(t.Context(), []string{"export", "--site", "news"}, dst, &again, &out); err != nil {
		t.Fatalf("export of the import: %v", err)
	}
	first, _ := os.ReadFile(file)
	if !bytes.Equal(first, again.Bytes()) {
		t.Errorf("export after import differs:\n%s\n%s", first, again.Bytes())
	}
	if err := run(t.Context(), []string{"import", "disqus", file, "--site", "news"}, dst, &out, &out); err == nil || !strings.Contains(err.Error(), "not a Disqus export") {
		t.Errorf("import disqus: %v", err)
	}
	if err := run(t.Context(), []string{"export", "--site", "nope"}, src, &out, &out); err == nil {
		t.Error("export of an unknown site succeeded")
	}
}
