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
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"parley"
)

// minConns is the pool size used unless the URL sets pool_max_conns. Writes
// wait mostly on the WAL flush, which PostgreSQL shares between concurrent
// commits, so more connections than cores raise write throughput.
const minConns = 32

// migrationLock is the advisory lock key that serializes migrations
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
	if _, err := migrate(ctx, pool, migrations, false); err != nil {
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
