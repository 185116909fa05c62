package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"parley"
	"parley/internal/config"
	"parley/internal/embed"
	"parley/internal/markup"
	"parley/internal/service"
)

// personFlags name a person by the way they sign in, for `parley user`.
type personFlags struct {
	site string
	id   service.Identity
}

func (f *personFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.site, "site", "", "site ID")
	fs.StringVar(&f.id.Email, "email", "", "the person's e-mail address (their e-mail sign-in)")
	fs.StringVar(&f.id.SSOSub, "sso-sub", "", "the person's sub in the publisher's SSO tokens")
}

// user runs `parley user grant|revoke`: roles per site, given by identity
// so that a person who never signed in finds their role at their first
// sign-in.
func user(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "grant" && args[0] != "revoke") {
		return fmt.Errorf("user: grant or revoke?\n%s", usage)
	}
	fs := flag.NewFlagSet("parley user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	var f personFlags
	f.declare(fs)
	roleName := "commenter"
	if args[0] == "grant" {
		fs.StringVar(&roleName, "role", "", "staff, moderator or admin")
	}
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	role, err := parley.ParseRole(roleName)
	if err != nil || (args[0] == "grant" && role == parley.RoleCommenter) {
		return errors.New("user grant: --role must be staff, moderator or admin (user revoke makes a commenter)")
	}
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	svc := cliService(store, bus, stderr, "")
	change, err := svc.SetRole(ctx, f.site, f.id, role)
	if err != nil {
		return fmt.Errorf("user %s: %s", args[0], parley.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "%s\n", describeChange(f.site, change))
	return nil
}

// describeChange says what a role change did, for the operator.
func describeChange(siteID string, c *service.RoleChange) string {
	if c.User == nil {
		return fmt.Sprintf("nobody signs in as %s on site %s: nothing changed", c.Subject, siteID)
	}
	who := fmt.Sprintf("%s (user %s, %s)", c.Subject, c.User.ID, c.User.Name)
	if c.Created {
		who = fmt.Sprintf("%s (new user %s, %s; not signed in yet)", c.Subject, c.User.ID, c.User.Name)
	}
	if c.Old == c.New {
		return fmt.Sprintf("%s is already %s on site %s: nothing changed", who, c.New, siteID)
	}
	return fmt.Sprintf("%s on site %s: %s -> %s", who, siteID, c.Old, c.New)
}

// admin runs `parley admin bootstrap`: the first admin of a site, signed in
// by a link printed here rather than mailed.
func admin(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "bootstrap" {
		return fmt.Errorf("admin: bootstrap?\n%s", usage)
	}
	fs := flag.NewFlagSet("parley admin bootstrap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	public, err := config.PublicURLFlag(fs, env)
	if err != nil {
		return err
	}
	site := fs.String("site", "", "site ID")
	email := fs.String("email", "", "the admin's e-mail address")
	force := fs.Bool("force", false, "make another admin even if the site has one")
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	publicURL, err := config.NormalizePublicURL(*public)
	if err != nil {
		return err
	}
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	b, err := cliService(store, bus, stderr, publicURL).BootstrapAdmin(ctx, *site, *email, *force)
	if err != nil {
		return fmt.Errorf("admin bootstrap: %s", parley.ErrorMessage(err))
	}
	fmt.Fprintln(stdout, describeChange(*site, b.Change))
	fmt.Fprintf(stdout, "Open this link within %v to sign in (it works once):\n%s\n", parley.SignInLinkTTL, b.Link)
	return nil
}

// cliService is the service a management command runs over. Nothing in
// this process listens to its bus; a running server reads roles from the
// database with every request, and hears of sanctions and word lists on
// bus (see commandBus).
func cliService(store parley.Store, bus parley.Bus, stderr io.Writer, publicURL string) *service.Service {
	var opts []service.Option
	if publicURL != "" {
		opts = append(opts, service.WithSignInLinks(service.SignInLinks{PublicURL: publicURL, Return: embed.ReturnChecker(publicURL)}))
	}
	return service.New(store, markup.New(), bus, slog.New(slog.NewTextHandler(stderr, nil)), opts...)
}
