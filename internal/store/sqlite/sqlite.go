// Package sqlite implements parley.Store on a SQLite file, the default
// backend: one binary, one file, nothing else to run.
//
// Reads go to a pool of connections; every write goes through one writer
// goroutine that commits many writes at once (see writer.go). In WAL mode
// readers never wait for the writer, and the writer never waits for them.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"parley"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a parley.Store on a SQLite file.
type Store struct {
	read  *sql.DB
	write *sql.DB // one connection, used only by the writer goroutine
	w     *writer
	reads sync.Map // query -> *sql.Stmt, see queryRow
}

var _ parley.Store = (*Store)(nil)

// Open opens or creates the database file at path, brings its schema up to
// date and starts the writer.
func Open(ctx context.Context, path string) (*Store, error) {
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if _, err := migrate(ctx, write, migrations, false); err != nil {
		write.Close()
		return nil, outage(err) // a file that cannot be opened, say
	}
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &Store{read: read, write: write, w: startWriter(write)}, nil
}

// dsn returns the data source name for path with the settings every
// connection gets. All pragmas live here so that no connection of the pool
// can come up configured differently:
//   - WAL lets readers work while the writer commits.
//   - synchronous=FULL syncs the WAL on every commit: an acknowledged comment
//     survives a crash or power loss. Group commit pays for it (writer.go).
//   - foreign_keys is off by default in SQLite; the schema relies on it.
//   - busy_timeout covers the moments a checkpoint or another process holds
//     the lock, instead of failing with SQLITE_BUSY.
//   - cache_size keeps hot index pages in memory: 16 MB for the writer,
//     which updates the indexes, 4 MB for each reader, which seek them (the
//     file's pages are in the OS's cache anyway). The cache is outside the
//     Go heap and its memory limit, and costs about twice its size: at
//     32 MB for each of the five connections it held 300 MiB of RSS while
//     page 1 of 5,000 stories was read, more than the Go heap did.
//
// Readers are query_only. Only the writer begins transactions with BEGIN
// IMMEDIATE, which takes the write lock at once rather than upgrading
// halfway (where SQLite cannot wait and fails instead).
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)",
		"foreign_keys(ON)", "journal_size_limit(67108864)", "temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "cache_size(-4000)")
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Add("_pragma", "cache_size(-16000)")
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// queryRow runs a single-row read with a statement prepared once per store.
// The lookups every request makes (its story, its commenter, a parent
// comment) spend half their time parsing SQL otherwise.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := s.reads.Load(query); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return s.read.QueryRowContext(ctx, query, args...) // carries the error
	}
	if prev, loaded := s.reads.LoadOrStore(query, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}

// Close waits for queued writes to commit, then closes the database.
func (s *Store) Close() error {
	s.w.close()
	s.reads.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	return errors.Join(s.read.Close(), s.write.Close())
}

// Ping returns an error if the database does not answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return outage(fmt.Errorf("ping: %w", err))
	}
	return nil
}

// millis stores a time as Unix milliseconds, the zero time as 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
