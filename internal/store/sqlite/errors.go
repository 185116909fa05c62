package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parley"
)

// mapError turns a driver error into what the Store contract promises:
// a missing row is ENOTFOUND, a taken key ECONFLICT, and a foreign key that
// points nowhere ENOTFOUND for the row it points to. subject names the row
// the statement was about ("Comment"), ref the row a foreign key refers to
// ("Story"). Anything else is wrapped as it is.
func mapError(err error, subject, ref string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "%s not found.", subject)
	}
	if _, ok := errors.AsType[*parley.Error](err); ok {
		return err
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return parley.Errorf(parley.ECONFLICT, "%s already exists.", subject)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return parley.Errorf(parley.ENOTFOUND, "%s not found.", ref)
		}
	}
	return outage(err)
}

// outage marks the errors that mean the database cannot serve right now as
// EUNAVAILABLE, keeping the cause for the log; other errors are wrapped as
// they are. For SQLite that is a lock held past busy_timeout, a failing or
// full disk, a file that cannot be opened or written, a closed store, or a
// deadline spent waiting: a reader should hear "try again in a moment",
// not "something broke".
func outage(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*parley.Error](err); ok {
		return err
	}
	if unavailable(err) {
		pe := parley.Errorf(parley.EUNAVAILABLE, "The database is not available.")
		return fmt.Errorf("%w (sqlite: %w)", pe, err)
	}
	return fmt.Errorf("sqlite: %w", err)
}

func unavailable(err error) bool {
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL:
			return true
		}
		return false
	}
	// database/sql's errors for a closed *sql.DB and its prepared
	// statements are not exported.
	msg := err.Error()
	return errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "sql: statement is closed")
}

// notFoundUnless returns ENOTFOUND for subject when a statement changed no
// row, the way UPDATE reports a missing row.
func notFoundUnless(res sql.Result, subject string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return outage(err)
	}
	if n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "%s not found.", subject)
	}
	return nil
}
