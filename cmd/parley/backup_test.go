package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupCommand backs up and restores through the command line, and
// checks the refusals an operator meets: an existing file, PostgreSQL.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "p.db")
	env := newsSiteEnv(t, dsn)
	var out bytes.Buffer
	file := filepath.Join(dir, "b.db")
	if err := run(t.Context(), []string{"backup", file}, env, &out, &out); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := run(t.Context(), []string{"backup", file}, env, &out, &out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	if err := run(t.Context(), []string{"restore", file}, env, &out, &out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), "kept as") {
		t.Errorf("restore does not say where the replaced database went:\n%s", out.String())
	}
	out.Reset()
	if err := run(t.Context(), []string{"site", "list"}, env, &out, &out); err != nil || !strings.Contains(out.String(), "news") {
		t.Errorf("site list after restore = %q, %v", out.String(), err)
	}
	pg := func(string) string { return "postgres://127.0.0.1/parley" }
	if err := run(t.Context(), []string{"backup", filepath.Join(dir, "pg")}, pg, &out, &out); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup on PostgreSQL: %v, want the pg_dump commands", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg")); err == nil {
		t.Error("backup on PostgreSQL wrote a file")
	}
}
