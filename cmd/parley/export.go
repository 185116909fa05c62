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
