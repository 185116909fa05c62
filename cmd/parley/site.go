package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"parley"
	"parley/internal/config"
	"parley/internal/markup"
	"parley/internal/service"
)

// siteFlags are the flags of `parley site create|update`; a site update
// changes only the settings whose flags were given.
type siteFlags struct {
	site       parley.Site
	origins    stringList
	add, drop  stringList // site update only: origins to add to or remove from the list
	editWindow time.Duration
	maxLength  int
	sessionTTL time.Duration
	sso        ssoFlags
	passkeys   parley.Passkeys
	passkeysOn bool
	oidc       oidcFlags
	// emailSignIn is --email-signin; the site keeps it as EmailSignIn.Off.
	emailSignIn bool
	privacy     parley.Privacy
	rateLimit   parley.RateLimit
	moderation  moderationFlags // premoderation.go
}

// ssoFlags are the SSO settings of `parley site update`.
type ssoFlags struct {
	secretFile, kid, removeKID, jwksURL, issuer string
	roles                                       bool
}

func (f *siteFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.site.ID, "id", "", "site ID, as used in the embed snippet")
	fs.StringVar(&f.site.Name, "name", "", "display name")
	fs.Var(&f.origins, "origin", "an origin allowed to embed the site, such as https://news.example (repeatable)")
	fs.BoolVar(&f.site.AllowAnonymous, "anonymous", false, "let readers post under a display name without an account")
	fs.DurationVar(&f.editWindow, "edit-window", parley.DefaultEditWindow, "how long authors may edit a comment")
	fs.IntVar(&f.maxLength, "max-length", parley.DefaultMaxBodyLength, "longest comment, in characters")
	fs.DurationVar(&f.sessionTTL, "session-ttl", parley.DefaultSessionTTL, "how long a signed-in reader's session lasts unused")
	fs.BoolVar(&f.emailSignIn, "email-signin", true, "let readers sign in with a link mailed to them (needs a server with --smtp-url); --email-signin=false turns it off")
	fs.StringVar(&f.privacy.ErasePolicy, "erase-policy", parley.EraseDelete, "what erasing an account does to its comments: delete (placeholders keep the threads' shape) or anonymize (texts kept, shown as by a deleted user)")
	fs.DurationVar(&f.privacy.IPRetention, "ip-retention", parley.DefaultIPRetention, "how long keyed hashes of commenters' addresses are kept, e.g. 720h")
	f.moderation.declare(fs)
	fs.Var(&f.rateLimit, "rate-limit", "how fast each reader and each address may post: N/DURATION (N at once, then N per DURATION) or off, which also stops refusing the same text twice (for a trusted load test); staff are never limited")
}

// declareSSO adds the flags that set up publisher SSO.
func (f *siteFlags) declareSSO(fs *flag.FlagSet) {
	fs.StringVar(&f.sso.secretFile, "sso-secret-file", "", "file holding an HS256 secret (text, at least 32 bytes); with --sso-kid, added beside the others")
	fs.StringVar(&f.sso.kid, "sso-kid", "", "the kid of --sso-secret-file's secret; a secret of the same kid is replaced")
	fs.StringVar(&f.sso.removeKID, "sso-remove-kid", "", "remove the HS256 secret of this kid (after rotating)")
	fs.StringVar(&f.sso.jwksURL, "sso-jwks-url", "", "URL of the publisher's JWKS for RS256, ES256 and EdDSA tokens (\"\" to remove)")
	fs.StringVar(&f.sso.issuer, "sso-issuer", "", "the iss every SSO token must carry (\"\": any)")
	fs.BoolVar(&f.sso.roles, "sso-roles", false, "honour the role claim (staff, moderator, admin) of SSO tokens")
}

// declarePasskeys adds the flags of a site's passkey settings.
func (f *siteFlags) declarePasskeys(fs *flag.FlagSet) {
	fs.BoolVar(&f.passkeysOn, "passkeys", true, "let readers and staff sign in with passkeys (WebAuthn)")
	fs.StringVar(&f.passkeys.RPID, "passkey-rp-id", "", "the passkeys' Relying Party ID: the host of the site's first origin (the default, \"\") or a registrable suffix of it, such as news.example for https://www.news.example")
	fs.BoolVar(&f.passkeys.Staff, "staff-passkey", false, "staff, moderators and admins act with their role only when signed in with a passkey; otherwise as commenters")
}

// site runs `parley site create|update|list`, over the same service the
// API uses.
func site(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "update" && args[0] != "list") {
		return fmt.Errorf("site: create, update or list?\n%s", usage)
	}
	fs := flag.NewFlagSet("parley site "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	var f siteFlags
	f.declare(fs)
	if args[0] == "update" {
		fs.Var(&f.add, "add-origin", "add an origin to those the site allows, keeping the others (repeatable)")
		fs.Var(&f.drop, "remove-origin", "remove an origin from those the site allows (repeatable)")
		f.declareSSO(fs)
		f.declarePasskeys(fs)
		f.oidc.declare(fs)
	}
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	// Nothing in this process listens; running servers hear of the
	// change over NATS, or when their caches expire (see commandBus).
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	svc := service.New(store, markup.New(), bus, slog.New(slog.NewTextHandler(stderr, nil)))
	switch args[0] {
	case "create":
		f.site.Origins, f.site.EditWindow, f.site.MaxBodyLength, f.site.SessionTTL = f.origins, f.editWindow, f.maxLength, f.sessionTTL
		f.site.EmailSignIn.Off = !f.emailSignIn
		f.site.Privacy = f.privacy
		f.site.RateLimit = f.rateLimit
		if err := f.moderation.apply(fs, &f.site.Moderation); err != nil {
			return fmt.Errorf("create site: %w", err)
		}
		if err := svc.CreateSite(ctx, &f.site); err != nil {
			return fmt.Errorf("create site: %s", parley.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "created site %s\n", f.site.ID)
		return nil
	case "update":
		return updateSite(ctx, svc, fs, &f, stdout)
	}
	return listSites(ctx, svc, stdout)
}

// updateSite applies the flags that were given to a stored site.
func updateSite(ctx context.Context, svc *service.Service, fs *flag.FlagSet, f *siteFlags, stdout io.Writer) error {
	s, err := svc.Site(ctx, f.site.ID)
	if err != nil {
		return fmt.Errorf("update site: %s", parley.ErrorMessage(err))
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "name":
			s.Name = f.site.Name
		case "origin":
			s.Origins = f.origins
		case "anonymous":
			s.AllowAnonymous = f.site.AllowAnonymous
		case "edit-window":
			s.EditWindow = f.editWindow
		case "max-length":
			s.MaxBodyLength = f.maxLength
		case "session-ttl":
			s.SessionTTL = f.sessionTTL
		case "sso-jwks-url":
			s.SSO.JWKSURL = f.sso.jwksURL
		case "sso-issuer":
			s.SSO.Issuer = f.sso.issuer
		case "sso-roles":
			s.SSO.Roles = f.sso.roles
		case "passkeys":
			s.Passkeys.Off = !f.passkeysOn
		case "passkey-rp-id":
			s.Passkeys.RPID = f.passkeys.RPID
		case "staff-passkey":
			s.Passkeys.Staff = f.passkeys.Staff
		case "email-signin":
			s.EmailSignIn.Off = !f.emailSignIn
		case "erase-policy":
			s.Privacy.ErasePolicy = f.privacy.ErasePolicy
		case "ip-retention":
			s.Privacy.IPRetention = f.privacy.IPRetention
		case "rate-limit":
			s.RateLimit = f.rateLimit
		}
	})
	s.Origins = editOrigins(s.Origins, f.add, f.drop)
	if err := f.sso.editSecrets(&s.SSO); err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	if err := f.oidc.apply(fs, &s.OIDC); err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	if err := f.moderation.apply(fs, &s.Moderation); err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	if err := svc.UpdateSite(ctx, s); err != nil {
		return fmt.Errorf("update site: %s", parley.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "updated site %s\n", s.ID)
	return nil
}

// editSecrets adds the secret file's secret under its kid (replacing one
// of the same kid) and removes --sso-remove-kid's. The secret is read here,
// once, and stored with the site, so that every instance has it.
func (f *ssoFlags) editSecrets(sso *parley.SSO) error {
	if f.removeKID != "" {
		kept := sso.Secrets[:0:0]
		for _, k := range sso.Secrets {
			if k.KID != f.removeKID {
				kept = append(kept, k)
			}
		}
		sso.Secrets = kept
	}
	if f.secretFile == "" {
		if f.kid != "" {
			return fmt.Errorf("--sso-kid names the secret of --sso-secret-file, which is missing")
		}
		return nil
	}
	if f.kid == "" {
		return fmt.Errorf("--sso-secret-file needs --sso-kid, the kid the publisher's tokens will carry")
	}
	raw, err := os.ReadFile(f.secretFile)
	if err != nil {
		return fmt.Errorf("read SSO secret: %w", err)
	}
	secret := strings.TrimSpace(string(raw))
	for i, k := range sso.Secrets {
		if k.KID == f.kid {
			sso.Secrets[i].Secret = secret
			return nil
		}
	}
	sso.Secrets = append(sso.Secrets, parley.SSOSecret{KID: f.kid, Secret: secret})
	return nil
}

// editOrigins adds and removes origins, so that a publisher can allow one
// more page without repeating every origin the site already has. Origins
// compare as browsers send them, ignoring case.
func editOrigins(origins, add, drop []string) []string {
	out := make([]string, 0, len(origins)+len(add))
	for _, o := range append(origins[:len(origins):len(origins)], add...) {
		keep := !containsFold(out, o) && !containsFold(drop, o)
		if keep {
			out = append(out, o)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func listSites(ctx context.Context, svc *service.Service, stdout io.Writer) error {
	sites, err := svc.Sites(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tANONYMOUS\tEDIT WINDOW\tMAX LENGTH\tORIGINS")
	for _, s := range sites {
		fmt.Fprintf(tw, "%s\t%s\t%t\t%s\t%d\t%s\n", s.ID, s.Name, s.AllowAnonymous, s.EditWindow, s.MaxBodyLength, strings.Join(s.Origins, " "))
	}
	return tw.Flush()
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// parseAndOpen parses a subcommand's flags and opens the database they
// name (the db flag from config.Flags), migrating it.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, args []string, db *string) (parley.Store, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return openValidated(ctx, *db)
}

// openValidated checks the database URL as the flags give it and opens
// the store, for commands that parse their own arguments first.
func openValidated(ctx context.Context, dsn string) (parley.Store, error) {
	if err := config.ValidateDatabase(dsn); err != nil {
		return nil, err
	}
	return openStore(ctx, dsn)
}
