package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"parley/internal/config"
	"parley/internal/store/migration"
	"parley/internal/store/postgres"
	"parley/internal/store/sqlite"
)

// migrate applies pending migrations: the expand ones, which serve applies
// on start too, and with --contract the contract ones as well, which remove
// what older releases still use (see package migration). --status changes
// nothing and lists every migration.
func migrate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	status := fs.Bool("status", false, "list applied and pending migrations; change nothing")
	contract := fs.Bool("contract", false, "also apply contract migrations: run once no instance of a release older than the one that stopped using what they remove is left")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := config.ValidateDatabase(*db); err != nil {
		return err
	}
	if *status {
		if *contract {
			return errors.New("--status and --contract: choose one")
		}
		states, err := migrationStatus(ctx, *db)
		if err != nil {
			return err
		}
		return printStatus(stdout, states)
	}
	done, err := applyMigrations(ctx, *db, *contract)
	for _, m := range done {
		fmt.Fprintf(stdout, "applied %s (%s)\n", m.Name, m.Kind())
	}
	if err != nil {
		return err
	}
	return reportPending(ctx, *db, stdout)
}

// applyMigrations runs the backend's Migrate for dsn.
func applyMigrations(ctx context.Context, dsn string, contract bool) ([]migration.Migration, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return sqlite.Migrate(ctx, path, contract)
	}
	return postgres.Migrate(ctx, dsn, contract)
}

// migrationStatus runs the backend's Status for dsn.
func migrationStatus(ctx context.Context, dsn string) ([]migration.State, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return sqlite.Status(ctx, path)
	}
	return postgres.Status(ctx, dsn)
}

// reportPending says what is left after a migrate: nothing, or the contract
// migrations that wait for --contract.
func reportPending(ctx context.Context, dsn string, stdout io.Writer) error {
	states, err := migrationStatus(ctx, dsn)
	if err != nil {
		return err
	}
	var waiting []string
	for _, st := range states {
		if !st.Applied {
			waiting = append(waiting, st.Name)
		}
	}
	if len(waiting) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	}
	fmt.Fprintf(stdout, "database is up to date except contract migrations %s: run `parley migrate --contract` once every instance runs this release\n",
		strings.Join(waiting, ", "))
	return nil
}

// printStatus writes one line per migration: version, kind, state, name.
func printStatus(w io.Writer, states []migration.State) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tKIND\tSTATE\tNAME")
	for _, st := range states {
		state, kind, name := "pending", st.Kind(), st.Name
		if st.Applied {
			state = "applied"
		}
		if name == "" {
			kind, name = "?", "(unknown to this binary: applied by a newer release)"
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\t%s\n", st.Version, kind, state, name)
	}
	return tw.Flush()
}
