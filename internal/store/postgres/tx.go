package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

// db is what the pool and a transaction have in common: a write method
// runs on the pool as a statement (or transaction) of its own, and in a unit
// of work on the unit's transaction, with the same code.
type db interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// unit implements parley.Tx on db. The Store embeds one on its pool, so
// that each Tx method called on the Store is a unit of work of its own;
// Update hands fn one on its transaction.
type unit struct {
	db    db
	memo  *memo    // nil on the pool's unit, where every call is a unit of its own
	batch *batcher // the pool's unit only: CreateComment shares a commit (batch.go)
}

var _ parley.Tx = (*unit)(nil)

// Update runs fn in one transaction, committed if fn returns nil and rolled
// back otherwise (pgx.BeginFunc rolls back on a panic too, and the panic
// goes on up). fn's own error is returned unchanged; begin and commit
// errors are translated (EUNAVAILABLE when the database is gone).
func (s *Store) Update(ctx context.Context, fn func(tx parley.Tx) error) error {
	var fnErr error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		u := &unit{db: tx, memo: &memo{}}
		defer func() { u.db = nil }() // a unit used after it returned fails loudly
		fnErr = fn(u)
		return fnErr
	})
	if fnErr != nil && err == fnErr {
		return err
	}
	return translate(err, "database")
}

// inTx runs fn in the unit's transaction, or in a transaction of its own
// when the unit is the pool's: the writes of fn happen together either way,
// without the savepoint that pgx.BeginFunc would open inside a transaction.
func inTx(ctx context.Context, q db, fn func(tx pgx.Tx) error) error {
	if tx, ok := q.(pgx.Tx); ok {
		return fn(tx)
	}
	return pgx.BeginFunc(ctx, q, fn)
}
