package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

// PostgreSQL error codes this package translates.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"

	// Bad bytes that slipped past the service's own checks: a NUL or
	// invalid UTF-8 in a text parameter, or text that does not parse as
	// the column's type. They are the caller's fault, never ours.
	invalidByteSequence       = "22021"
	untranslatableCharacter   = "22P05"
	invalidTextRepresentation = "22P02"
)

// translate turns a driver error into what the Store contract promises: a
// missing row becomes ENOTFOUND, a duplicate key ECONFLICT, a reference to a
// missing row ENOTFOUND, bytes PostgreSQL cannot take EINVALID, and a
// database that cannot be reached EUNAVAILABLE, so that readers are told to
// come back in a moment rather than that something broke. what names the
// thing, as in "comment". An error that already carries a parley code keeps
// it. Anything else is wrapped, so callers see EINTERNAL and logs keep the
// cause.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*parley.Error](err); ok {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "The %s does not exist.", what)
	}
	var pe *parley.Error
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		pe = fromSQLState(pgErr.Code, what)
	} else if unreachable(err) {
		pe = parley.Errorf(parley.EUNAVAILABLE, "The database cannot be reached.")
	}
	if pe != nil {
		// both: the code for the caller, the driver's words for the log
		return fmt.Errorf("%w (postgres: %s: %w)", pe, what, err)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// fromSQLState maps the SQLSTATE codes with a meaning for callers; nil for
// the rest.
func fromSQLState(code, what string) *parley.Error {
	switch {
	case code == uniqueViolation:
		return parley.Errorf(parley.ECONFLICT, "The %s already exists.", what)
	case code == foreignKeyViolation:
		return parley.Errorf(parley.ENOTFOUND, "The %s refers to something that does not exist.", what)
	case code == invalidByteSequence, code == untranslatableCharacter, code == invalidTextRepresentation:
		return parley.Errorf(parley.EINVALID, "The request holds characters that cannot be stored.")
	case strings.HasPrefix(code, "08"), // connection exception
		strings.HasPrefix(code, "57P"), // admin or crash shutdown, cannot connect now, database dropped
		strings.HasPrefix(code, "53"):  // insufficient resources: 53300 too many connections
		return parley.Errorf(parley.EUNAVAILABLE, "The database is not available.")
	}
	return nil
}

// unreachable reports whether err means the server could not be reached or
// the connection went away: a failed connection attempt, a network error, a
// connection the driver had already closed, a pool that is closed, or a
// timeout while waiting for a connection.
func unreachable(err error) bool {
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	// pgxpool answers Acquire on a closed pool with puddle.ErrClosedPool,
	// a package we do not import for one sentinel.
	return strings.Contains(err.Error(), "closed pool")
}

// notFound is the error for a write that matched no row.
func notFound(what string) error {
	return parley.Errorf(parley.ENOTFOUND, "The %s does not exist.", what)
}
