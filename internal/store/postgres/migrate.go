package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley/internal/store/migration"
)

// Migrations returns the migrations this binary embeds.
func Migrations() ([]migration.Migration, error) {
	return migration.Load(migrations, "migrations")
}

// Migrate brings the database at url up to date: the expand migrations,
// and the contract ones too when contract is set (see package migration).
// It returns the migrations it applied.
func Migrate(ctx context.Context, url string, contract bool) ([]migration.Migration, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	defer pool.Close()
	done, err := migrate(ctx, pool, migrations, contract)
	return done, translate(err, "database")
}

// Status lists every migration, this binary's and any newer one recorded,
// with whether it is applied, without changing the database.
func Status(ctx context.Context, url string) ([]migration.State, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, translate(fmt.Errorf("postgres: connect: %w", err), "database")
	}
	defer conn.Close(ctx)
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	return migration.States(all, applied), nil
}

// querier is what appliedVersions needs of a connection.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// appliedVersions reads schema_migrations; a database without it has none.
func appliedVersions(ctx context.Context, db querier) (map[int]bool, error) {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("postgres: read schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	if !exists {
		return applied, nil
	}
	rows, err := db.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("postgres: read schema_migrations: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("postgres: read schema_migrations: %w", err)
	}
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}

// migrate applies each migration of fsys not yet recorded in
// schema_migrations, in order (contract ones only when contract is set).
// One connection holds a session advisory lock throughout, so that
// instances starting at once apply each migration once: the second waits,
// then finds the versions recorded. A transactional migration commits with
// its record; a no-transaction one runs statement by statement (CREATE INDEX
// CONCURRENTLY cannot run in a transaction) and is recorded after its last
// statement, which is why its statements must be safe to repeat.
func migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, contract bool) ([]migration.Migration, error) {
	all, err := migration.Load(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if err := lockMigrations(ctx, conn.Conn()); err != nil {
		return nil, err
	}
	defer func() {
		// A connection that kept the lock would block every other
		// instance's start for ever: close it rather than pool it.
		unlock := context.WithoutCancel(ctx)
		if _, err := conn.Exec(unlock, `SELECT pg_advisory_unlock($1)`, int64(migrationLock)); err != nil {
			conn.Conn().Close(unlock)
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	var done []migration.Migration
	for _, m := range migration.Pending(all, applied, contract) {
		if err := migrateOne(ctx, conn.Conn(), m); err != nil {
			return done, fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		done = append(done, m)
	}
	return done, nil
}

// lockPoll is how often a starting instance asks for the migration lock
// while another holds it: at first every few milliseconds, since most
// holders only check that nothing is pending, then less often, up to
// maxLockPoll, for a long index build.
const (
	lockPoll    = 5 * time.Millisecond
	maxLockPoll = 200 * time.Millisecond
)

// lockMigrations takes the session advisory lock, asking again after a
// pause that grows from lockPoll to maxLockPoll. It does not wait inside pg_advisory_lock: a CREATE INDEX
// CONCURRENTLY of the holder waits for every open transaction to end,
// including the waiter's statement, and PostgreSQL ends that cycle as a
// deadlock.
func lockMigrations(ctx context.Context, conn *pgx.Conn) error {
	for wait := lockPoll; ; wait = min(2*wait, maxLockPoll) {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(migrationLock)).Scan(&ok); err != nil {
			return fmt.Errorf("postgres: migration lock: %w", err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres: migration lock: %w", ctx.Err())
		case <-time.After(wait):
		}
	}
}

// migrateOne applies m and records it; the caller holds the lock.
func migrateOne(ctx context.Context, conn *pgx.Conn, m migration.Migration) error {
	const record = `INSERT INTO schema_migrations (version) VALUES ($1)`
	if !m.NoTransaction {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, record, m.Version)
			return err
		})
	}
	for _, st := range migration.Statements(m.SQL) {
		if _, err := conn.Exec(ctx, st); err != nil {
			return err
		}
	}
	if err := checkIndexes(ctx, conn); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, record, m.Version)
	return err
}

// checkIndexes fails when the schema has an invalid index: what a failed
// or cancelled CREATE INDEX CONCURRENTLY leaves behind, and what IF NOT
// EXISTS would then skip for good. The migration stays unrecorded until an
// operator drops the index and it runs again.
func checkIndexes(ctx context.Context, conn *pgx.Conn) error {
	rows, _ := conn.Query(ctx, `SELECT c.relname FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT i.indisvalid AND n.nspname = current_schema()`)
	invalid, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(invalid) > 0 {
		return fmt.Errorf("invalid index %v left by an interrupted concurrent build: DROP INDEX CONCURRENTLY it and start again", invalid)
	}
	return nil
}
