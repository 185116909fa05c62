package service_test

import (
	"io"
	"log/slog"
	"parley"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"path/filepath"
	"testing"

	"parley/internal/store/sqlite"
)

// testStore opens a fresh SQLite file for one test and closes it when the
// test ends: the service tests run on a real store, never a fake.
func testStore(t *testing.T) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// quietLog is the logger of services whose logs a test does not read.
func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// onStores runs fn against a fresh SQLite store and a fresh PostgreSQL
// schema (which skips loudly when the server is absent, and fails under
// CI=true): the use cases must hold on both.
func onStores(t *testing.T, fn func(t *testing.T, store parley.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t, pgtest.URL(t)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}
