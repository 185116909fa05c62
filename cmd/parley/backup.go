package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"parley/internal/config"
	"parley/internal/store/sqlite"
)

// errPostgresBackup is what backup and restore say on PostgreSQL, whose own
// tools copy a live database consistently and in parallel; a copy made by
// Parley through its pool would be slower and no safer.
var errPostgresBackup = errors.New("on PostgreSQL use its tools: pg_dump -Fc -f parley.dump \"$PARLEY_DATABASE\" to back up, pg_restore --clean --if-exists -d \"$PARLEY_DATABASE\" parley.dump to restore (see the README's operations chapter)")

// backup runs `parley backup FILE`: a consistent copy of a SQLite database
// while servers keep writing to it.
func backup(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	path, file, err := backupArgs("parley backup", args, env, stderr)
	if err != nil {
		return err
	}
	if err := sqlite.Backup(ctx, path, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", path, file)
	return nil
}

// restore runs `parley restore FILE`: a backup in place of a SQLite
// database that no server has open.
func restore(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	path, file, err := backupArgs("parley restore", args, env, stderr)
	if err != nil {
		return err
	}
	kept, err := sqlite.Restore(ctx, file, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", path, file)
	if kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
	}
	return nil
}

// backupArgs parses --database and the one FILE argument, and returns the
// SQLite path and FILE.
func backupArgs(name string, args []string, env func(string) string, stderr io.Writer) (string, string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return "", "", err
	}
	if err := fs.Parse(args); err != nil {
		return "", "", err
	}
	if fs.NArg() != 1 {
		return "", "", fmt.Errorf("usage: %s [--database sqlite:PATH] FILE", name)
	}
	if err := config.ValidateDatabase(*db); err != nil {
		return "", "", err
	}
	path, ok := strings.CutPrefix(*db, "sqlite:")
	if !ok {
		return "", "", errPostgresBackup
	}
	return path, fs.Arg(0), nil
}
