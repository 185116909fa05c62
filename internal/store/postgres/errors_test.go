package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"parley"
	"parley/internal/store/storetest"
)

// TestUnavailableWhenClosed: with the pool closed, every method answers
// EUNAVAILABLE (503 with Retry-After upstairs), none EINTERNAL.
func TestUnavailableWhenClosed(t *testing.T) {
	s := mustOpen(t)
	s.Close()
	storetest.Unavailable(t, s)
}

// TestUnavailableWhenNoServer: a server that does not listen is
// unavailable from the first connection on.
func TestUnavailableWhenNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Open(context.Background(), "postgres://postgres@"+addr+"/parley?sslmode=disable&connect_timeout=5")
	if code := parley.ErrorCode(err); code != parley.EUNAVAILABLE {
		t.Errorf("Open on a dead port: code %q, want unavailable (%v)", code, err)
	}
}

// TestTranslateSQLState: the server's words for "cannot serve now" are
// unavailable, its words for bytes it cannot store are invalid, and the
// cause stays in the chain for the log.
func TestTranslateSQLState(t *testing.T) {
	for code, want := range map[string]string{
		"08006": parley.EUNAVAILABLE, // connection failure
		"08001": parley.EUNAVAILABLE, // cannot establish a connection
		"57P01": parley.EUNAVAILABLE, // admin shutdown
		"57P02": parley.EUNAVAILABLE, // crash shutdown
		"57P03": parley.EUNAVAILABLE, // cannot connect now (starting up)
		"53300": parley.EUNAVAILABLE, // too many connections
		"22021": parley.EINVALID,     // invalid byte sequence (NUL, bad UTF-8)
		"22P05": parley.EINVALID,     // untranslatable character
		"22P02": parley.EINVALID,     // invalid text representation
		"23505": parley.ECONFLICT,
		"23503": parley.ENOTFOUND,
		"42P01": parley.EINTERNAL, // undefined table: our bug
	} {
		pgErr := &pgconn.PgError{Code: code, Message: "m"}
		err := translate(fmt.Errorf("query: %w", pgErr), "comment")
		if got := parley.ErrorCode(err); got != want {
			t.Errorf("SQLSTATE %s: code %q, want %q", code, got, want)
		}
		if !errors.Is(err, pgErr) {
			t.Errorf("SQLSTATE %s: the driver error left the chain: %v", code, err)
		}
	}
	for _, err := range []error{errors.New("closed pool"), pgconn.ErrConnClosed, context.DeadlineExceeded, &net.OpError{Op: "dial", Err: errors.New("refused")}} {
		if got := parley.ErrorCode(translate(err, "comment")); got != parley.EUNAVAILABLE {
			t.Errorf("%v: code %q, want unavailable", err, got)
		}
	}
}

// TestEncodingErrorsAreInvalid: bytes PostgreSQL refuses to store are the
// caller's fault (400), should any get past the service's checks.
func TestEncodingErrorsAreInvalid(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	for _, bad := range []string{"a\x00b", "a\xffb"} {
		err := s.CreateSite(ctx, &parley.Site{ID: "s" + fmt.Sprint(len(bad)), Name: bad})
		if code := parley.ErrorCode(err); code != parley.EINVALID {
			t.Errorf("site name %q: code %q, want invalid (%v)", bad, code, err)
		}
		_, err = s.Comment(ctx, bad)
		if code := parley.ErrorCode(err); code != parley.EINVALID && code != parley.ENOTFOUND {
			t.Errorf("comment ID %q: code %q, want invalid (%v)", bad, code, err)
		}
		if err != nil && strings.Contains(parley.ErrorMessage(err), "SQLSTATE") {
			t.Errorf("the message shows the driver's words: %s", parley.ErrorMessage(err))
		}
	}
}
