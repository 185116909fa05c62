package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// TestMigrateContract applies expand migrations on start and a contract one
// only when asked, after the expand ones that follow it.
func TestMigrateContract(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	fsys := fstest.MapFS{
		"migrations/0001_t.sql": {Data: []byte("CREATE TABLE t (a INTEGER, b INTEGER);")},
		"migrations/0002_c.sql": {Data: []byte("-- parley:contract\nALTER TABLE t DROP COLUMN b;")},
		"migrations/0003_i.sql": {Data: []byte("-- parley:no-transaction\nCREATE INDEX IF NOT EXISTS t_a ON t (a);")},
	}
	done, err := migrate(ctx, db, fsys, false)
	if err != nil || len(done) != 2 || done[1].Version != 3 {
		t.Fatalf("expand applied %v, %v; want 0001 and 0003", done, err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t (a, b) VALUES (1, 2)`); err != nil {
		t.Fatalf("column b gone before --contract: %v", err)
	}
	if done, err := migrate(ctx, db, fsys, false); err != nil || len(done) != 0 {
		t.Fatalf("second expand applied %v, %v", done, err)
	}
	done, err = migrate(ctx, db, fsys, true)
	if err != nil || len(done) != 1 || done[0].Version != 2 {
		t.Fatalf("contract applied %v, %v; want 0002", done, err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t (a, b) VALUES (1, 2)`); err == nil {
		t.Fatal("column b still there after --contract")
	}
}

// TestStatus reads the records without creating a missing file.
func TestStatus(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	if _, err := Status(ctx, path); err == nil {
		t.Fatal("Status of a missing file succeeded")
	}
	mustOpen(t, path)
	states, err := Status(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := Migrations()
	if len(states) != len(all) {
		t.Fatalf("%d states, %d migrations", len(states), len(all))
	}
	for _, st := range states {
		if !st.Applied {
			t.Errorf("%s not applied after Open", st.Name)
		}
	}
}
