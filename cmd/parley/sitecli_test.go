package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"parley"
)

// siteCLI runs parley's commands against a database file of its own and
// reads back what they stored: the tests of `parley site` flags share it.
type siteCLI struct {
	t   *testing.T
	dsn string
}

func newSiteCLI(t *testing.T) *siteCLI {
	return &siteCLI{t: t, dsn: "sqlite:" + filepath.Join(t.TempDir(), "parley.db")}
}

// run runs `parley args…` with PARLEY_DATABASE set to the file.
func (c *siteCLI) run(args ...string) error {
	getenv := func(k string) string { return map[string]string{"PARLEY_DATABASE": c.dsn}[k] }
	var stdout, stderr bytes.Buffer
	return run(c.t.Context(), args, getenv, &stdout, &stderr)
}

// site returns the stored site id, as a fresh process would read it.
func (c *siteCLI) site(id string) *parley.Site {
	c.t.Helper()
	store, err := openStore(c.t.Context(), c.dsn)
	if err != nil {
		c.t.Fatal(err)
	}
	defer store.Close()
	s, err := store.Site(c.t.Context(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}
