package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

// PostgreSQL error codes this package translates.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// translate turns a driver error into what the Store contract promises: a
// missing row becomes ENOTFOUND, a duplicate key ECONFLICT, a reference to a
// missing row ENOTFOUND. what names the thing, as in "comment". Anything else
// is wrapped, so callers see EINTERNAL and logs keep the cause.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "The %s does not exist.", what)
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case uniqueViolation:
			return parley.Errorf(parley.ECONFLICT, "The %s already exists.", what)
		case foreignKeyViolation:
			return parley.Errorf(parley.ENOTFOUND, "The %s refers to something that does not exist.", what)
		}
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// notFound is the error for a write that matched no row.
func notFound(what string) error {
	return parley.Errorf(parley.ENOTFOUND, "The %s does not exist.", what)
}
