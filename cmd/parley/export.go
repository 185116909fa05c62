package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"parley/internal/config"
	"parley/internal/transfer"
)

// export runs `parley export --site S [--out FILE] [--emails]`: the site's
// rows as JSON Lines (docs/export.md) on stdout or in FILE. A FILE is
// written under a temporary name and renamed when complete, and an
// existing one is not overwritten.
func export(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	site := fs.String("site", "", "the site to export (required)")
	out := fs.String("out", "", "file to write; default standard output")
	emails := fs.Bool("emails", false, "include users' e-mail addresses (for a move to another database of your own)")
	store, err := parseAndOpen(ctx, fs, args, db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *site == "" || fs.NArg() > 0 {
		return errors.New("usage: parley export --site S [--out FILE] [--emails]")
	}
	if *out == "" {
		_, err := transfer.Export(ctx, store, stdout, *site, transfer.Options{Emails: *emails})
		return err
	}
	if _, err := os.Lstat(*out); err == nil {
		return fmt.Errorf("%s exists: Parley does not overwrite an export", *out)
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	stats, err := transfer.Export(ctx, store, tmp, *site, transfer.Options{Emails: *emails})
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported site %s to %s: %s\n", *site, *out, formatStats(stats))
	return nil
}

// importCmd runs `parley import parley FILE --site S`: an export of ours
// into this database. Other formats are named in the first argument too.
func importCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	const use = "usage: parley import parley FILE --site S"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(use)
	}
	if args[0] != "parley" {
		return fmt.Errorf("import format %q: this Parley reads only its own (parley)\n%s", args[0], use)
	}
	fs := flag.NewFlagSet("parley import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	site := fs.String("site", "", "the site to import into; created from the file's settings when missing (required)")
	rest := args[1:]
	var file string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	store, err := parseAndOpen(ctx, fs, rest, db)
	if err != nil {
		return err
	}
	defer store.Close()
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || *site == "" {
		return errors.New(use)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	stats, err := transfer.Import(ctx, store, f, *site)
	if err != nil {
		return fmt.Errorf("import %s (written so far: %s): %w", file, formatStats(stats), err)
	}
	fmt.Fprintf(stdout, "imported %s into site %s: %s\n", file, *site, formatStats(stats))
	return nil
}

// formatStats writes counts as "3 comment, 1 site, …", sorted by type.
func formatStats(s transfer.Stats) string {
	var parts []string
	for k, n := range s {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
