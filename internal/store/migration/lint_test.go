package migration_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"parley/internal/store/migration"
)

// TestBackendMigrations lints the migrations both backends embed: the same
// numbers in both, and every unmarked one additive, so that `serve` on a
// new release never breaks an older instance still running.
func TestBackendMigrations(t *testing.T) {
	versions := map[string][]int{}
	for _, backend := range []string{"sqlite", "postgres"} {
		all, err := migration.Load(os.DirFS("../"+backend), "migrations")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 0 {
			t.Fatalf("%s: no migrations found", backend)
		}
		for _, m := range all {
			versions[backend] = append(versions[backend], m.Version)
			for _, p := range migration.Lint(m) {
				t.Errorf("%s: %s", backend, p)
			}
		}
	}
	if !slices.Equal(versions["sqlite"], versions["postgres"]) {
		t.Errorf("versions differ:\nsqlite   %v\npostgres %v", versions["sqlite"], versions["postgres"])
	}
}

func TestLint(t *testing.T) {
	for _, tc := range []struct {
		sql     string
		problem string // a substring of the problem; empty: none
	}{
		{"CREATE TABLE t (a INTEGER);", ""},
		{"CREATE INDEX i ON t (a);\nDROP INDEX j;", ""},
		{"ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT '';", ""},
		{"ALTER TABLE t ADD COLUMN b TEXT;", ""},
		{"-- we no longer DROP TABLE here\nSELECT 1;", ""},
		{"DROP TABLE t;", "DROP TABLE"},
		{"ALTER TABLE t DROP COLUMN a;", "DROP COLUMN"},
		{"ALTER TABLE t RENAME TO u;", "RENAME"},
		{"ALTER TABLE t RENAME COLUMN a TO b;", "RENAME"},
		{"ALTER TABLE t ALTER COLUMN a TYPE bigint;", "type change"},
		{"ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint;", "type change"},
		{"ALTER TABLE t ALTER COLUMN a SET NOT NULL;", "SET NOT NULL"},
		{"ALTER TABLE t ADD COLUMN b TEXT NOT NULL;", "NOT NULL column"},
		{"ALTER TABLE t\n\tADD COLUMN a int NOT NULL DEFAULT 0,\n\tADD COLUMN b int NOT NULL;", "ADD COLUMN b int NOT NULL"},
		{"-- parley:contract\nALTER TABLE t DROP COLUMN a;", ""},
		{"-- parley:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);", ""},
		{"-- parley:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);", "safe to repeat"},
	} {
		all, err := migration.Load(fstest.MapFS{"m/0001_x.sql": {Data: []byte(tc.sql)}}, "m")
		if err != nil {
			t.Fatal(err)
		}
		problems := strings.Join(migration.Lint(all[0]), "\n")
		if tc.problem == "" && problems != "" {
			t.Errorf("%q: unexpected %s", tc.sql, problems)
		}
		if tc.problem != "" && !strings.Contains(problems, tc.problem) {
			t.Errorf("%q: got %q, want a problem with %q", tc.sql, problems, tc.problem)
		}
	}
}

func TestPendingSkipsContract(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0001_a.sql": {Data: []byte("CREATE TABLE a (x int);")},
		"m/0002_b.sql": {Data: []byte("-- parley:contract\nDROP TABLE a;")},
		"m/0003_c.sql": {Data: []byte("CREATE TABLE c (x int);")},
	}
	all, err := migration.Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []migration.Migration) (out []int) {
		for _, m := range ms {
			out = append(out, m.Version)
		}
		return out
	}
	if got := names(migration.Pending(all, map[int]bool{1: true}, false)); !slices.Equal(got, []int{3}) {
		t.Errorf("expand pending = %v, want [3]", got)
	}
	if got := names(migration.Pending(all, map[int]bool{1: true, 3: true}, true)); !slices.Equal(got, []int{2}) {
		t.Errorf("contract pending = %v, want [2]", got)
	}
	states := migration.States(all, map[int]bool{1: true, 7: true})
	if len(states) != 4 || states[3].Version != 7 || !states[3].Applied || states[1].Kind() != "contract" {
		t.Errorf("states = %+v", states)
	}
}

func TestStatements(t *testing.T) {
	got := migration.Statements("-- parley:no-transaction\n-- why\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a\n  ON t (x);\n\nDROP INDEX CONCURRENTLY IF EXISTS b;\n")
	want := []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS a\n  ON t (x);", "DROP INDEX CONCURRENTLY IF EXISTS b;"}
	if !slices.Equal(got, want) {
		t.Errorf("Statements = %q, want %q", got, want)
	}
}

func TestLoadRejectsDuplicates(t *testing.T) {
	_, err := migration.Load(fstest.MapFS{
		"m/0001_a.sql": {Data: []byte("SELECT 1;")},
		"m/0001_b.sql": {Data: []byte("SELECT 1;")},
	}, "m")
	if err == nil {
		t.Fatal("two files with version 1 loaded")
	}
}
