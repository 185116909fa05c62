// Package postgres implements parley.Store on PostgreSQL with pgx.
//
// Several Parley instances may share one database: migrations run under an
// advisory lock, and every count is changed by the statement or transaction
// that changes what it counts, with row locks taken child before parent
// before story so that concurrent writers neither lose updates nor deadlock.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley"
)

// minConns is the pool size used unless the URL sets pool_max_conns. Writes
// wait mostly on the WAL flush, which PostgreSQL shares between concurrent
// commits, so more connections than cores raise write throughput.
const minConns = 32

// migrationLock is the pg_advisory_xact_lock key that serializes migrations
// between instances starting at once ("parley" in ASCII).
const migrationLock = 0x7061726c6579

//go:embed migrations/*.sql
var migrations embed.FS

// connectTimeout bounds a new connection when the URL names no
// connect_timeout.
const connectTimeout = 5 * time.Second

// Store is a parley.Store backed by a PostgreSQL connection pool.
type Store struct {
	unit // the Tx methods, each a unit of work of its own on the pool
	pool *pgxpool.Pool
}

var _ parley.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL, or key=value
// pairs), applies pending migrations and returns the store.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "Invalid PostgreSQL URL: %v", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = minConns
	}
	if !strings.Contains(url, "connect_timeout") {
		// A server that accepts the connection but never answers would
		// otherwise hold each new connection, and the request waiting for
		// it, for ever.
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, translate(err, "database") // a server that does not answer, say
	}
	s.unit = unit{db: pool, batch: startBatcher(pool)}
	return s, nil
}

// Close lets the comments waiting for a batch commit, waits for queries in
// progress and closes every connection.
func (s *Store) Close() error {
	s.batch.close()
	s.pool.Close()
	return nil
}

// Ping returns an error if the database does not answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("%w (postgres: %w)", parley.Errorf(parley.EUNAVAILABLE, "The database does not answer."), err)
	}
	return nil
}

// migrate applies each embedded migration not yet recorded in
// schema_migrations, in order, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", name, err)
		}
	}
	return nil
}

// migrateOne applies one migration unless it is recorded. The advisory lock
// makes a second instance wait and then see the version as applied.
func (s *Store) migrateOne(ctx context.Context, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("name does not start with a number: %w", err)
	}
	script, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var done bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`,
			version).Scan(&done)
		if err != nil || done {
			return err
		}
		if _, err := tx.Exec(ctx, string(script)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version)
		return err
	})
}
