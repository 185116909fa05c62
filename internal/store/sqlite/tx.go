package sqlite

import (
	"context"
	"database/sql"

	"parley"
)

// unit is one unit of work as the service sees it (parley.Tx): every method
// runs on the writer's transaction inside the unit's savepoint, so a read
// sees what the unit wrote before it and a failure undoes the whole unit.
//
// Its methods ignore the caller's context and use the writer's: a caller
// who gives up must not interrupt a statement in the middle of a group
// commit, which SQLite may answer by rolling back the whole transaction and
// with it every other caller's writes (see writer.commit).
type unit struct {
	ctx context.Context // the writer's
	tx  *txn            // nil once the unit has returned
}

var _ parley.Tx = (*unit)(nil)

// rowQuery is what the read pool (Store.queryRow) and a unit's transaction
// have in common, so that one read serves both.
type rowQuery func(ctx context.Context, query string, args ...any) *sql.Row

// Update runs fn as one savepoint of the next group commit: it commits with
// the units queued beside it and fails alone.
func (s *Store) Update(ctx context.Context, fn func(tx parley.Tx) error) error {
	return s.writeUnit(ctx, func(u *unit) error { return fn(u) })
}

// writeUnit runs fn as a unit of work of its own in the next group commit.
func (s *Store) writeUnit(ctx context.Context, fn func(u *unit) error) error {
	return s.w.do(ctx, asWrite(fn))
}

// asWrite turns a unit of work into a write of the writer.
func asWrite(fn func(u *unit) error) func(ctx context.Context, tx *txn) error {
	return func(ctx context.Context, tx *txn) error {
		u := &unit{ctx: ctx, tx: tx}
		defer func() { u.tx = nil }() // a unit used after it returned fails loudly
		return fn(u)
	}
}

// row reads one row in the unit's transaction.
func (u *unit) row(ctx context.Context, query string, args ...any) *sql.Row {
	return u.tx.QueryRowContext(ctx, query, args...)
}
