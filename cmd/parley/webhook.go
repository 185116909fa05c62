package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"parley"
	"parley/internal/config"
	"parley/internal/follow"
	"parley/internal/markup"
	"parley/internal/outbox"
	"parley/internal/service"
)

// startFollow starts what turns the logs into work for readers and
// publishers: the follower of the event and audit logs (inbox items,
// webhook deliveries) and the webhook relay that sends the deliveries.
// wake is for the bus: a committed change reads the logs at once rather
// than at the next poll. stop ends both, the relay's batch under way
// first.
func startFollow(cfg *config.Config, store parley.Store, log *slog.Logger) (wake func(), stop func(), err error) {
	hooks, err := outbox.NewHooks(store, outbox.HookOptions{AllowPrivate: cfg.WebhookAllowPrivate, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	d := &follow.Deriver{}
	f := follow.New(store, follow.Options{Logger: log, Derived: hooks.Wake}, follow.EventLog(store, d), follow.AuditLog(store, d))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { f.Run(ctx); done <- struct{}{} }()
	go func() { hooks.Run(ctx); done <- struct{}{} }()
	if cfg.WebhookAllowPrivate {
		log.Warn("webhooks may reach private addresses (--webhook-allow-private): for tests and development only")
	}
	return f.Wake, func() {
		cancel()
		<-done
		<-done
	}, nil
}

// webhookCommands are the subcommands of `parley webhook`.
var webhookCommands = []string{"add", "list", "remove", "rotate", "deliveries", "redeliver"}

// webhookFlags are the flags of `parley webhook`; each subcommand reads
// those it needs.
type webhookFlags struct {
	site, id, url, delivery string
	events                  stringList
	finish, allowPrivate    bool
}

// webhook runs `parley webhook …`: a site's endpoints, their secrets and
// their delivery log, as the operator (service.WithOperator), who holds
// the database anyway.
func webhook(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains(webhookCommands, args[0]) {
		return fmt.Errorf("webhook: one of %s?\n%s", strings.Join(webhookCommands, ", "), usage)
	}
	fs := flag.NewFlagSet("parley webhook "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	var f webhookFlags
	fs.StringVar(&f.site, "site", "", "site ID")
	fs.StringVar(&f.id, "id", "", "the webhook's ID (remove, rotate, deliveries)")
	fs.StringVar(&f.url, "url", "", "the endpoint's https URL (add)")
	fs.Var(&f.events, "event", "an event to send, repeatable: "+strings.Join(parley.WebhookEvents(), ", ")+" (add)")
	fs.StringVar(&f.delivery, "delivery", "", "the delivery's ID (redeliver)")
	fs.BoolVar(&f.finish, "finish", false, "end a rotation: keep only the newest secret (rotate)")
	private, err := config.WebhookPrivateFlag(fs, env)
	if err != nil {
		return err
	}
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	f.allowPrivate = *private
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	svc := service.New(store, markup.New(), bus, slog.New(slog.NewTextHandler(stderr, nil)), service.WithWebhookPrivate(f.allowPrivate))
	return runWebhook(service.WithOperator(ctx), svc, args[0], f, stdout)
}

func runWebhook(ctx context.Context, svc *service.Service, cmd string, f webhookFlags, out io.Writer) error {
	switch cmd {
	case "add":
		w, err := svc.AddWebhook(ctx, f.site, f.url, f.events)
		if err != nil {
			return err
		}
		printWebhook(out, w)
		fmt.Fprintf(out, "secret %s (shown once: give it to the receiver now)\n", w.Secrets[len(w.Secrets)-1].Value)
	case "list":
		ws, err := svc.Webhooks(ctx, f.site)
		if err != nil {
			return err
		}
		for _, w := range ws {
			printWebhook(out, w)
		}
	case "remove":
		if err := svc.RemoveWebhook(ctx, f.site, f.id); err != nil {
			return err
		}
		fmt.Fprintf(out, "removed webhook %s\n", f.id)
	case "rotate":
		w, err := svc.RotateWebhook(ctx, f.site, f.id, f.finish)
		if err != nil {
			return err
		}
		printWebhook(out, w)
		if !f.finish {
			fmt.Fprintf(out, "new secret %s (deliveries are signed with every secret listed until rotate --finish)\n", w.Secrets[len(w.Secrets)-1].Value)
		}
	case "deliveries":
		logs, _, err := svc.Deliveries(ctx, f.site, f.id, "", parley.MaxDeliveryPage-1)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DELIVERY\tEVENT\tSTATE\tATTEMPT\tAT\tSTATUS\tLATENCY\tERROR")
		for _, l := range logs {
			d := l.Delivery
			if len(l.Attempts) == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t-\t%s\t-\t-\t\n", d.ID, d.Event, d.State, d.CreatedAt.Format(time.RFC3339))
			}
			for _, a := range l.Attempts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\n", d.ID, d.Event, d.State, a.Attempt, a.At.Format(time.RFC3339), a.Status, a.Latency, a.Error)
			}
		}
		return tw.Flush()
	case "redeliver":
		if err := svc.Redeliver(ctx, f.site, f.delivery); err != nil {
			return err
		}
		fmt.Fprintf(out, "delivery %s queued again\n", f.delivery)
	}
	return nil
}

// printWebhook prints one endpoint on a line; secrets by ID only.
func printWebhook(out io.Writer, w *parley.Webhook) {
	ids := make([]string, len(w.Secrets))
	for i, s := range w.Secrets {
		ids[i] = s.ID
	}
	fmt.Fprintf(out, "%s %s events=%s secrets=%s\n", w.ID, w.URL, strings.Join(w.Events, ","), strings.Join(ids, ","))
}
