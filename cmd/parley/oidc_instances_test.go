package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley"
	"parley/internal/store/postgres/pgtest"
)

// TestOIDCAcrossInstances: two instances on one PostgreSQL database behind
// one public URL. The sign-in starts on one and the provider sends the
// reader back to the other, which finishes it from the flow in the
// database; the same callback replayed to the first is refused.
func TestOIDCAcrossInstances(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dsn := pgtest.URL(t)
	srv := httptest.NewUnstartedServer(nil)
	public := "http://" + srv.Listener.Addr().String()
	var handlers [2]http.Handler
	var store parley.Store
	for i := range handlers {
		s, err := openStore(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		h, closeLive, err := newHandler(ctx, s, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})), handlerConfig{PublicURL: public})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(closeLive)
		handlers[i], store = h, s
	}
	// The balancer sends starts to instance 0 and callbacks to instance 1,
	// unless the test asks for instance 0 with ?instance=0.
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/auth/oidc/start") || r.URL.Query().Get("instance") == "0" {
			handlers[0].ServeHTTP(w, r)
			return
		}
		handlers[1].ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	op := startProvider(t, public)
	if err := store.CreateSite(ctx, &parley.Site{ID: "news", Origins: []string{newsOrigin}, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, OIDC: parley.OIDC{Issuer: op.Issuer, ClientID: providerClient, Secret: providerSecret}}); err != nil {
		t.Fatal(err)
	}

	f := newSigninFlow(t)
	resp, body := f.get(startURL(public, "news", newsOrigin, "en"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start on instance 0: %s\n%s", resp.Status, body)
	}
	back := f.login(resp.Header.Get("Location"), "ada", public)
	resp, body = f.get(back)
	r := pageResult(t, body)
	if resp.StatusCode != http.StatusOK || !parley.WellFormedSessionToken(r.Message.Session) || r.Origin != newsOrigin {
		t.Fatalf("callback on instance 1: %s, result %+v", resp.Status, r)
	}
	resp, body = f.get(back + "&instance=0")
	if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Message.Session != "" {
		t.Errorf("the callback replayed to instance 0: %s, result %+v", resp.Status, r)
	}
}
