package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRolledBackByServer(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("create comment: %w", &pgconn.PgError{Code: "40001"}), true},
		{&pgconn.PgError{Code: "23505"}, false}, // a unique violation is an answer, not a retry
		{errors.New("connection reset"), false},
		{nil, false},
	} {
		if got := rolledBackByServer(c.err); got != c.want {
			t.Errorf("rolledBackByServer(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
