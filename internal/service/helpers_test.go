package service_test

import (
	"io"
	"log/slog"
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
