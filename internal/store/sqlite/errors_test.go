package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"parley"
	"parley/internal/store/storetest"
)

// TestUnavailableWhenClosed: with the database gone, every method answers
// EUNAVAILABLE (503 with Retry-After upstairs), none EINTERNAL.
func TestUnavailableWhenClosed(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	storetest.Unavailable(t, s)
}

// TestUnavailableWhenLocked: a lock that another process holds past the
// busy timeout is an outage, not a bug.
func TestUnavailableWhenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	holder, err := open().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	_, err = open().Exec(`UPDATE sites SET name = name`)
	if err == nil {
		t.Fatal("a write succeeded while another connection held the write lock")
	}
	if code := parley.ErrorCode(outage(err)); code != parley.EUNAVAILABLE {
		t.Errorf("busy: code %q, want unavailable (%v)", code, err)
	}
	if code := parley.ErrorCode(mapError(err, "Site", "")); code != parley.EUNAVAILABLE {
		t.Errorf("busy through mapError: code %q, want unavailable", code)
	}
}

// TestUnavailableWhenFileCannotOpen: a database file that cannot be opened
// is unavailable.
func TestUnavailableWhenFileCannotOpen(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "parley.db"))
	if code := parley.ErrorCode(err); code != parley.EUNAVAILABLE {
		t.Errorf("Open in a missing directory: code %q, want unavailable (%v)", code, err)
	}
}
