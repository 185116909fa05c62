package postgres

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"parley/internal/store/postgres/pgtest"
)

// TestMigrateNoTransaction applies a migration set with a concurrent index
// build from several instances at once: the index is built, each version is
// recorded once, and the contract migration waits for --contract.
func TestMigrateNoTransaction(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	fsys := fstest.MapFS{
		"migrations/0001_t.sql": {Data: []byte("CREATE TABLE t (a integer, b integer);\nINSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;")},
		"migrations/0002_i.sql": {Data: []byte("-- parley:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b\n  ON t (b);\n")},
		"migrations/0003_c.sql": {Data: []byte("-- parley:contract\nALTER TABLE t DROP COLUMN b;")},
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = migrate(ctx, pool, fsys, false) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	var records, indexes, columns int
	pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&records)
	pool.QueryRow(ctx, `SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relname IN ('t_a', 't_b') AND i.indisvalid`).Scan(&indexes)
	pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_name = 't'`).Scan(&columns)
	if records != 2 || indexes != 2 || columns != 2 {
		t.Fatalf("after expand: %d records, %d valid indexes, %d columns; want 2, 2, 2", records, indexes, columns)
	}
	done, err := migrate(ctx, pool, fsys, true)
	if err != nil || len(done) != 1 || done[0].Version != 3 {
		t.Fatalf("migrate --contract applied %v, %v; want 0003", done, err)
	}
	pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_name = 't'`).Scan(&columns)
	if columns != 1 {
		t.Errorf("after contract: %d columns, want 1", columns)
	}
}

// TestStatus lists every embedded migration as applied after Open, and a
// version this binary does not know (a newer release's) as applied too.
func TestStatus(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	empty, err := Status(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range empty {
		if st.Applied {
			t.Fatalf("fresh database: %d applied", st.Version)
		}
	}
	s := mustOpenURL(t, url)
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (9999)`); err != nil {
		t.Fatal(err)
	}
	states, err := Status(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != len(empty)+1 || states[len(states)-1].Version != 9999 {
		t.Fatalf("states = %+v", states)
	}
	for _, st := range states {
		if !st.Applied {
			t.Errorf("%s not applied after Open", st.Name)
		}
	}
}
