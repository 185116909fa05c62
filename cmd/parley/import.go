package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"parley"
	"parley/internal/config"
	"parley/internal/importer"
	"parley/internal/transfer"
)

// importFormats are the formats of other systems that `parley import`
// names, whether or not this build has their parser.
var importFormats = []string{"disqus", "wordpress", "remark42", "commento", "coral"}

const importUse = `usage: parley import parley FILE --site S
       parley import disqus|wordpress|remark42|commento|coral FILE --site S [--map-url OLD=NEW]...
              [--map-sso FILE] [--dry-run] [--moderate] [--progress auto|bar|lines|none] [--work-dir DIR]`

// importCmd runs `parley import FORMAT FILE --site S …`: an export of
// ours, or of another system, into this database.
func importCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return importWith(ctx, args, env, stdout, stderr, importParsers())
}

// importWith is importCmd with the parsers given, so that tests can
// bring their own.
func importWith(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer, parsers map[string]importer.Parser) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(importUse)
	}
	format := args[0]
	if format == "parley" {
		return importParley(ctx, args[1:], env, stdout, stderr)
	}
	parse, ok := parsers[format]
	if !ok {
		if slices.Contains(importFormats, format) {
			return fmt.Errorf("import format %q: this Parley was built without its parser\n%s", format, importUse)
		}
		return fmt.Errorf("import format %q: Parley reads parley, %s\n%s", format, strings.Join(importFormats, ", "), importUse)
	}
	return importOther(ctx, format, parse, args[1:], env, stdout, stderr)
}

// fileArg takes FILE from before the flags, as `parley import parley
// FILE --site S` has it; after them it is the flag set's one argument.
func fileArg(rest []string) (file string, flags []string) {
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		return rest[0], rest[1:]
	}
	return "", rest
}

// importParley runs `parley import parley FILE --site S`.
func importParley(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	const use = "usage: parley import parley FILE --site S"
	fs := flag.NewFlagSet("parley import parley", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	site := fs.String("site", "", "the site to import into; created from the file's settings when missing (required)")
	file, rest := fileArg(args)
	store, err := parseAndOpen(ctx, fs, rest, db)
	if err != nil {
		return err
	}
	defer store.Close()
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || *site == "" || fs.NArg() > 1 || (fs.NArg() == 1 && fs.Arg(0) != file) {
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

// urlRules is the repeatable --map-url flag.
type urlRules []importer.URLRule

func (r *urlRules) String() string { return fmt.Sprint(*r) }

func (r *urlRules) Set(s string) error {
	rule, err := importer.ParseURLRule(s)
	if err != nil {
		return err
	}
	*r = append(*r, rule)
	return nil
}

// importOther runs the import of another system's export.
func importOther(ctx context.Context, format string, parse importer.Parser, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley import "+format, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	opts := importer.Options{Source: format}
	fs.StringVar(&opts.Site, "site", "", "the site to import into; it must exist (required)")
	var rules urlRules
	fs.Var(&rules, "map-url", "rewrite URLs starting with OLD to start with NEW (OLD=NEW; repeatable, the longest OLD wins)")
	ssoFile := fs.String("map-sso", "", "CSV file of email,subject lines: comments of that address go to the SSO user of that subject")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "read, repair and report, and write nothing")
	fs.BoolVar(&opts.Moderate, "moderate", false, "run the site's word lists over the imported comments")
	mode := fs.String("progress", "auto", "progress on standard error: auto, bar, lines or none")
	fs.StringVar(&opts.WorkDir, "work-dir", "", "folder for the staging file (default: the system's temporary folder)")
	file, rest := fileArg(args)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return errors.New(importUse)
	}
	if file == "" || opts.Site == "" {
		return errors.New(importUse)
	}
	opts.MapURL = rules
	printer, err := newProgressPrinter(*mode, stderr)
	if err != nil {
		return err
	}
	opts.Progress = printer.show
	if *ssoFile != "" {
		if opts.MapSSO, err = readSSOFile(*ssoFile); err != nil {
			return err
		}
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	store, err := openValidated(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	opts.Changed = func(storyID string) {
		ev := parley.Event{Type: parley.EventStoryChanged, SiteID: opts.Site, StoryID: storyID}
		if err := bus.Publish(context.WithoutCancel(ctx), ev); err != nil {
			fmt.Fprintf(stderr, "running servers learn of story %s when their caches expire: %v\n", storyID, err)
		}
	}
	sum, err := importer.Run(ctx, store, opts, parse, importer.NewInput(file))
	printer.done()
	if err != nil {
		if sum != nil && sum.Stories+sum.Existing > 0 {
			fmt.Fprintf(stdout, "stopped after %d stories; each is whole, and running the same import again finishes the rest.\n", sum.Stories+sum.Existing)
			writeSummary(stdout, format, file, opts.Site, sum)
		}
		return fmt.Errorf("import %s %s: %w", format, file, err)
	}
	writeSummary(stdout, format, file, opts.Site, sum)
	return nil
}

// readSSOFile reads the --map-sso file.
func readSSOFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--map-sso: %w", err)
	}
	defer f.Close()
	m, err := importer.ReadSSOMap(f)
	if err != nil {
		return nil, fmt.Errorf("--map-sso %s: %w", path, err)
	}
	return m, nil
}
