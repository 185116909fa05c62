package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"parley"
	"parley/internal/config"
	"parley/internal/markup"
	"parley/internal/service"
)

// site runs `parley site create|list`, over the same service the API uses.
func site(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("site: create or list?\n%s", usage)
	}
	fs := flag.NewFlagSet("parley site "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := config.Flags(fs, env)
	var s parley.Site
	var origins stringList
	fs.StringVar(&s.ID, "id", "", "site ID, as used in the embed snippet")
	fs.StringVar(&s.Name, "name", "", "display name")
	fs.Var(&origins, "origin", "an origin allowed to embed the site, such as https://news.example (repeatable)")
	fs.BoolVar(&s.AllowAnonymous, "anonymous", false, "let readers post under a display name without an account")
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := service.New(store, markup.New(), slog.New(slog.NewTextHandler(stderr, nil)))
	switch args[0] {
	case "create":
		s.Origins = origins
		if err := svc.CreateSite(ctx, &s); err != nil {
			return fmt.Errorf("create site: %s", parley.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "created site %s\n", s.ID)
		return nil
	case "list":
		return listSites(ctx, svc, stdout)
	}
	return fmt.Errorf("site: unknown subcommand %q", args[0])
}

func listSites(ctx context.Context, svc *service.Service, stdout io.Writer) error {
	sites, err := svc.Sites(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tANONYMOUS\tORIGINS")
	for _, s := range sites {
		fmt.Fprintf(tw, "%s\t%s\t%t\t%s\n", s.ID, s.Name, s.AllowAnonymous, strings.Join(s.Origins, " "))
	}
	return tw.Flush()
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// migrate runs `parley migrate`: opening a store applies its migrations.
func migrate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := config.Flags(fs, env)
	store, err := parseAndOpen(ctx, fs, args, db)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "database is up to date")
	return store.Close()
}

// parseAndOpen parses a subcommand's flags and opens the database they
// name (the db flag from config.Flags), migrating it.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, args []string, db *string) (parley.Store, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := config.ValidateDatabase(*db); err != nil {
		return nil, err
	}
	return openStore(ctx, *db)
}
