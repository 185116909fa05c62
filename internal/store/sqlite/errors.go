package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

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
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return parley.Errorf(parley.ECONFLICT, "%s already exists.", subject)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return parley.Errorf(parley.ENOTFOUND, "%s not found.", ref)
		}
	}
	if _, ok := errors.AsType[*parley.Error](err); ok {
		return err
	}
	return fmt.Errorf("sqlite: %w", err)
}

// notFoundUnless returns ENOTFOUND for subject when a statement changed no
// row, the way UPDATE reports a missing row.
func notFoundUnless(res sql.Result, subject string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "%s not found.", subject)
	}
	return nil
}
