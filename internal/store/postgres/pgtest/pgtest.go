// Package pgtest gives each test its own PostgreSQL database, so that tests
// and packages running at once never see each other's rows.
//
// The server is the one in PARLEY_TEST_POSTGRES, a postgres:// URL that
// defaults to the local test server. When it does not answer, tests are
// skipped loudly, except under CI=true, where a missing server is a failure:
// CI must never pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the server used when PARLEY_TEST_POSTGRES is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL creates an empty database named parley_test_<random>, drops it when
// the test and its subtests are done, and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PARLEY_TEST_POSTGRES")
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: PARLEY_TEST_POSTGRES is not a postgres:// URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		unreachable(t, base, err)
	}
	defer admin.Close(ctx)

	name := "parley_test_" + randomHex()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() { drop(t, base, name) })
	u.Path = "/" + name
	return u.String()
}

// SchemaURL creates an empty schema in the database at dbURL (one that URL
// returned), drops it after the test, and returns a URL whose connections
// use it. Many stores can share one database this way, which is much
// cheaper than a database each: creating and dropping schemas needs no copy
// of a template and no checkpoint.
func SchemaURL(t testing.TB, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	name := "parley_" + randomHex()
	if err := exec(ctx, dbURL, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := exec(ctx, dbURL, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// exec runs one statement on a connection of its own.
func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// unreachable skips the test, or fails it under CI=true.
func unreachable(t testing.TB, base string, err error) {
	t.Helper()
	msg := "pgtest: PostgreSQL at " + redact(base) + " is unreachable (" + err.Error() + ");\n" +
		"!!! SKIPPING POSTGRESQL TESTS !!! start it, or set PARLEY_TEST_POSTGRES"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// drop removes the database even if a connection to it was left open.
func drop(t testing.TB, base, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := exec(ctx, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:]) // never fails: see crypto/rand.Read.
	return hex.EncodeToString(b[:])
}

// redact hides a password in the URL shown in messages.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "PARLEY_TEST_POSTGRES"
}
