package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"

	"parley"
	"parley/internal/config"
	"parley/internal/notify"
	"parley/internal/outbox"
)

// startRelay starts the outbox relay when --smtp-url is set and returns
// the function that stops it: it lets the relay finish the batch it has
// claimed (so that shutdown does not leave messages to wait out a lease)
// and returns when it has. Without --smtp-url messages wait in the outbox
// for an instance that has one.
func startRelay(cfg *config.Config, store parley.Store, public string, log *slog.Logger) (stop func(), err error) {
	if cfg.SMTPURL == "" {
		return func() {}, nil
	}
	sender, err := outbox.ParseSMTPURL(cfg.SMTPURL, nil)
	if err != nil {
		return nil, err
	}
	from, err := mail.ParseAddress(cfg.MailFrom) // config.Validate checked it
	if err != nil {
		return nil, fmt.Errorf("mail from: %w", err)
	}
	u, err := url.Parse(public)
	if err != nil {
		return nil, fmt.Errorf("public url: %w", err)
	}
	relay, err := outbox.NewRelay(store, sender, outbox.Options{From: from, Host: u.Hostname(), Logger: log, PlainHTTP: u.Scheme == "http"})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		relay.Run(ctx)
	}()
	log.Info("outbox relay started", "smtp", sender.Host(), "from", from.Address)
	return func() {
		cancel()
		<-done
		log.Info("outbox relay stopped")
	}, nil
}

// startNotifier starts the loop that mails reply notifications (see
// internal/notify) and returns the function that stops it. It runs with or
// without --smtp-url: without, its mails wait in the outbox like any other.
func startNotifier(store parley.Store, public string, log *slog.Logger) (stop func(), err error) {
	n, err := notify.New(store, notify.Options{PublicURL: public, Logger: log})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}
