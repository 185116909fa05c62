package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"parley"
	modui "parley/internal/admin" // "admin" is the bootstrap command (user.go)
	"parley/internal/auth"
	"parley/internal/service"
)

// adminKeyName names the Store.Key that signs the moderator UI's CSRF
// tokens.
const adminKeyName = "admin-form"

// mountAdmin adds the moderator UI at /admin to mux and returns what ends
// its live streams on shutdown.
func mountAdmin(ctx context.Context, mux *http.ServeMux, store parley.Store, svc *service.Service, bus parley.Bus, log *slog.Logger, hc handlerConfig) (closeLive func(), err error) {
	key, err := store.Key(ctx, adminKeyName)
	if err != nil {
		return nil, fmt.Errorf("admin key: %w", err)
	}
	ui := modui.New(svc, log, modui.Config{PublicURL: hc.PublicURL, Sessions: auth.NewSessions(store, svc, hc.Now),
		Key: key, Bus: bus, Mail: hc.Mail, Words: wordLists{svc}, Webhooks: svc, Settings: svc, Now: hc.Now})
	ui.Register(mux)
	return ui.Close, nil
}

// wordLists gives the desk the service's word lists, saying how many
// entries each change changed.
type wordLists struct{ svc *service.Service }

func (w wordLists) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	return w.svc.Words(ctx, siteID, list, lang)
}

func (w wordLists) AddWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	ch, err := w.svc.AddWords(ctx, siteID, list, lang, words)
	if err != nil {
		return 0, err
	}
	return ch.Changed, nil
}

func (w wordLists) RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	ch, err := w.svc.RemoveWords(ctx, siteID, list, lang, words)
	if err != nil {
		return 0, err
	}
	return ch.Changed, nil
}
