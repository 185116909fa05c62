// Command parley runs Parley, the discussion system for news sites, and
// manages its sites and database.
//
//	parley serve [--demo] [--addr :8080] [--public-url https://comments.example] [--database sqlite:parley.db]
//	parley migrate [--database …] [--status] [--contract]
//	parley backup FILE | parley restore FILE
//	parley export --site S [--out FILE] | parley import parley FILE --site S
//	parley site create --id ID [--origin https://…]… [--name NAME] [--anonymous] [--edit-window 10m] [--max-length 10000]
//	parley site update --id ID [any flag of create] [--add-origin O]… [--remove-origin O]…
//	parley site list
//	parley user grant --site S (--email E | --sso-sub SUB) --role staff|moderator|admin
//	parley user revoke --site S (--email E | --sso-sub SUB)
//	parley admin bootstrap --site S --email E [--force] [--public-url https://comments.example]
//	parley words add|remove|import|list --site S --list banned|suspect --lang L [WORD…|FILE]
//	parley story update --site S --id ID --premoderation off|all|new|links|site
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Parley keeps little live data (caches are bounded) but turns
		// over a lot per request: rendering a comment allocates about
		// 25 KB. At the default of 100 the collector runs thousands of
		// times a second under load; 400 trades a few MB for about a
		// sixth more writes per second on two cores. GOGC overrides it.
		// Left alone, the heap then grows to five times what is live;
		// serve's memory limit (--memory-limit) bounds it.
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  parley serve [--demo] [--addr :8080] [--public-url https://comments.example]
               [--database sqlite:parley.db|postgres://…]
               [--smtp-url smtp://user:pass@host:587 --mail-from "Name <addr>"]
               [--trusted-proxy 10.0.0.0/8]…
  parley migrate [--database …] [--status] [--contract]
                     (serve applies expand migrations; --contract also those that remove what
                     older releases use: run it once no older instance is left)
  parley backup [--database sqlite:PATH] FILE      (a consistent copy while servers write)
  parley restore [--database sqlite:PATH] FILE     (with every server on PATH stopped)
  parley export --site S [--out FILE]              (JSON Lines, see docs/export.md)
  parley import parley FILE --site S               (an export of ours into this database)
  parley healthcheck [--addr :8080] [--path /healthz]   (exit status 0 if the local server answers)
  parley site create --id ID [--origin https://news.example]… [--name NAME] [--anonymous]
                     [--edit-window 10m] [--max-length 10000] [--rate-limit 5/1m|off]
  parley site update --id ID [any flag of create: only those given change]
                     [--add-origin https://…]… [--remove-origin https://…]…
                     [--session-ttl 720h] [--email-signin=false] [--erase-policy delete|anonymize]
                     [--ip-retention 720h] [--passkeys=false] [--passkey-rp-id D] [--staff-passkey]
                     [--sso-secret-file F --sso-kid K] [--sso-jwks-url U] [--sso-issuer I] [--sso-roles]
                     [--oidc-issuer U --oidc-client-id ID --oidc-secret-file F] [--oidc-name N]
                     [--premoderation off|all|new|links] [--premoderation-new 3] [--link-allowlist H,H]
                     [--close-after DAYS] [--premoderate-after DAYS] [--pow-after N] [--pow always|off]
                     [--default-words=false] [--scorers FILE.json]
  parley site list [--database …]
  parley user grant --site S (--email E | --sso-sub SUB) --role staff|moderator|admin
  parley user revoke --site S (--email E | --sso-sub SUB)    (back to commenter)
  parley admin bootstrap --site S --email E [--force] [--public-url https://comments.example]
                     (makes E an admin and prints a one-time sign-in link, valid 15 minutes)
  parley webhook add --site S --url https://… --event comment.created [--event …]… [--webhook-allow-private]
  parley webhook list|remove|rotate|deliveries|redeliver --site S [--id W] [--finish] [--delivery D]
  parley transparency --site S --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json]
                     (the figures of a DSA transparency report: notices, actions, complaints)
  parley words add|remove --site S --list banned|suspect --lang L WORD…
  parley words import --site S --list banned|suspect --lang L FILE|-   (one word a line; - reads stdin)
  parley words list --site S --list banned|suspect --lang L
  parley story update --site S --id ID --premoderation off|all|new|links|site
Every flag has a PARLEY_* environment equivalent, e.g. PARLEY_DATABASE, PARLEY_PUBLIC_URL.`

// run dispatches a subcommand; it is main without the process around it.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], env, stderr)
	case "migrate":
		return migrate(ctx, args[1:], env, stdout, stderr)
	case "backup":
		return backup(ctx, args[1:], env, stdout, stderr)
	case "restore":
		return restore(ctx, args[1:], env, stdout, stderr)
	case "export":
		return export(ctx, args[1:], env, stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], env, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args[1:], env, stdout, stderr)
	case "site":
		return site(ctx, args[1:], env, stdout, stderr)
	case "user":
		return user(ctx, args[1:], env, stdout, stderr)
	case "admin":
		return admin(ctx, args[1:], env, stdout, stderr)
	case "webhook":
		return webhook(ctx, args[1:], env, stdout, stderr)
	case "transparency":
		return transparency(ctx, args[1:], env, stdout, stderr)
	case "words":
		return words(ctx, args[1:], env, os.Stdin, stdout, stderr)
	case "story":
		return story(ctx, args[1:], env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
