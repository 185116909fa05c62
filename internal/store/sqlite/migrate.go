package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"

	"parley"
	"parley/internal/store/migration"
)

// Migrations returns the migrations this binary embeds.
func Migrations() ([]migration.Migration, error) {
	return migration.Load(migrations, "migrations")
}

// Migrate brings the database at path up to date: the expand migrations,
// and the contract ones too when contract is set (see package migration).
// It returns the migrations it applied.
func Migrate(ctx context.Context, path string, contract bool) ([]migration.Migration, error) {
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return migrate(ctx, db, migrations, contract)
}

// Status lists every migration, this binary's and any newer one recorded,
// with whether it is applied, without changing the database. A file that
// does not exist is an error rather than a new empty database.
func Status(ctx context.Context, path string) ([]migration.State, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return nil, err
	}
	return migration.States(all, applied), nil
}

// appliedVersions reads schema_migrations; a database without the table
// has none.
func appliedVersions(ctx context.Context, db *sql.DB) (map[int]bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil || n == 0 {
		return map[int]bool{}, err
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// migrate applies, in order, every migration of fsys not yet recorded in
// schema_migrations (contract ones only when contract is set), each in its
// own transaction with its record, so that a crash leaves the schema at a
// known version. SQLite builds an index while holding the write lock either
// way, so a no-transaction migration runs in a transaction here too. One
// process at a time writes a SQLite file, so no lock between instances is
// needed beyond SQLite's own.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, contract bool) ([]migration.Migration, error) {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	all, err := migration.Load(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return nil, err
	}
	var done []migration.Migration
	for _, m := range migration.Pending(all, applied, contract) {
		ok, err := migrateOne(ctx, db, m)
		if err != nil {
			return done, fmt.Errorf("sqlite: migrate %s: %w", m.Name, err)
		}
		if ok {
			done = append(done, m)
		}
	}
	return done, nil
}

// migrateOne applies m unless its version is recorded by now, and reports
// whether it did.
func migrateOne(ctx context.Context, db *sql.DB, m migration.Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	const record = `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`
	if _, err := tx.ExecContext(ctx, record, m.Version, parley.Now().UnixMilli()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
