// Package migration reads the numbered SQL files each backend embeds and
// states the upgrade policy both apply: expand first, contract later.
//
// Several instances of different releases share one database during a
// rolling upgrade. A migration that only adds (a table, a nullable column, a
// column with a default, an index) is an expand migration: the older
// binaries still running ignore what they do not know, so `serve` applies it
// on start. A migration that removes or renames something an older binary
// still uses is a contract migration, marked with a line
//
//	-- parley:contract
//
// and applied only by `parley migrate --contract`, which an operator runs
// once no instance older than the release that stopped using the thing is
// left. Lint (run by a test over both backends) keeps unmarked migrations
// additive.
//
// A migration marked
//
//	-- parley:no-transaction
//
// runs outside a transaction, one statement at a time, so that PostgreSQL
// can build an index with CREATE INDEX CONCURRENTLY without locking writes.
// Its statements must be safe to repeat (IF NOT EXISTS), because a crash
// between the last statement and the record runs them again.
package migration

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Markers recognised on a line of their own in a migration file.
const (
	ContractMarker      = "-- parley:contract"
	NoTransactionMarker = "-- parley:no-transaction"
)

// Migration is one numbered SQL file.
type Migration struct {
	Version       int
	Name          string // file name, e.g. 0019_story_index.sql
	SQL           string
	Contract      bool // applied only by migrate --contract
	NoTransaction bool // run statement by statement, outside a transaction
}

// Kind names the migration's class for `migrate --status`.
func (m Migration) Kind() string {
	if m.Contract {
		return "contract"
	}
	return "expand"
}

// Load reads every dir/*.sql file of fsys, sorted by version. Two files with
// one version, or a name without a leading number, is an error: the record
// in schema_migrations holds only the number.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migration: list %s: %w", dir, err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, name := range names {
		base := strings.TrimPrefix(name, dir+"/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration: %s does not start with a version number: %w", base, err)
		}
		if prev, dup := seen[version]; dup {
			return nil, fmt.Errorf("migration: %s and %s have one version", prev, base)
		}
		seen[version] = base
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migration: %w", err)
		}
		m := Migration{Version: version, Name: base, SQL: string(b)}
		m.Contract = hasMarker(m.SQL, ContractMarker)
		m.NoTransaction = hasMarker(m.SQL, NoTransactionMarker)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// hasMarker reports whether a line of script is exactly marker.
func hasMarker(script, marker string) bool {
	for line := range strings.Lines(script) {
		if strings.TrimSpace(line) == marker {
			return true
		}
	}
	return false
}

// Pending returns the migrations of all not in applied, in order; the
// contract ones only when contract is set. A contract migration left
// pending does not hold back the expand migrations after it: they must not
// depend on it, since they would not on a database still shared with the
// older release.
func Pending(all []Migration, applied map[int]bool, contract bool) []Migration {
	var out []Migration
	for _, m := range all {
		if applied[m.Version] || (m.Contract && !contract) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Statements splits a no-transaction script into its statements: each ends
// with a semicolon at the end of a line. Comment lines are dropped.
func Statements(script string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(script) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// State is a migration and whether the database has it.
type State struct {
	Migration
	Applied bool
}

// States pairs every migration with its record. Versions recorded in the
// database that this binary does not have (a newer release applied them)
// are returned with an empty Name, so that --status shows them too.
func States(all []Migration, applied map[int]bool) []State {
	var out []State
	known := map[int]bool{}
	for _, m := range all {
		known[m.Version] = true
		out = append(out, State{Migration: m, Applied: applied[m.Version]})
	}
	for v := range applied {
		if !known[v] {
			out = append(out, State{Migration: Migration{Version: v}, Applied: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}
