package auth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/internal/auth"
)

// discoveryServer publishes a discovery document and can be taken down.
type discoveryServer struct {
	*httptest.Server
	down    atomic.Bool
	fetches atomic.Int32
}

func startDiscovery(t *testing.T) *discoveryServer {
	d := &discoveryServer{}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		d.fetches.Add(1)
		if d.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"` + d.URL + `","authorization_endpoint":"` + d.URL + `/authorize","token_endpoint":"` + d.URL + `/token",` +
			`"jwks_uri":"` + d.URL + `/keys","id_token_signing_alg_values_supported":["RS256"]}`))
	}))
	t.Cleanup(d.Close)
	return d
}

// TestOIDCDiscoveryCache: one discovery serves every sign-in for an hour;
// a provider that is down is asked again only after a pause, during which
// sign-ins are refused at once (EUNAVAILABLE, oidcUnavailable); a
// refetch that fails keeps the configuration we had.
func TestOIDCDiscoveryCache(t *testing.T) {
	d := startDiscovery(t)
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	move := func(by time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(by) }
	o := auth.NewOIDC(nil, clock)
	site := &parley.Site{ID: "news", OIDC: parley.OIDC{Issuer: d.URL, ClientID: "parley"}}
	start := func() error {
		t.Helper()
		u, err := o.AuthURL(t.Context(), site, "https://comments.example/auth/oidc/callback", "state", "nonce", strings.Repeat("v", 43))
		if err == nil && !strings.HasPrefix(u, d.URL+"/authorize?") {
			t.Fatalf("AuthURL = %s", u)
		}
		return err
	}
	refused := func(when string, err error) {
		t.Helper()
		if parley.ErrorCode(err) != parley.EUNAVAILABLE || parley.ErrorKey(err) != "oidcUnavailable" {
			t.Errorf("%s: %v, want unavailable (oidcUnavailable)", when, err)
		}
	}
	fetches := func(when string, want int32) {
		t.Helper()
		if got := d.fetches.Load(); got != want {
			t.Errorf("%s: %d discoveries, want %d", when, got, want)
		}
	}

	d.down.Store(true)
	refused("provider down", start())
	d.down.Store(false)
	refused("provider back, within the pause", start())
	fetches("after two refusals", 1)
	move(31 * time.Second)
	if err := start(); err != nil {
		t.Fatalf("after the pause: %v", err)
	}
	for range 3 {
		if err := start(); err != nil {
			t.Fatal(err)
		}
	}
	fetches("after five starts", 2)
	d.down.Store(true)
	move(time.Hour + time.Second)
	if err := start(); err != nil {
		t.Errorf("stale, refetch fails: %v, want the configuration we had", err)
	}
	fetches("after the refetch", 3)
}

// TestOIDCInsecureEndpoint: a discovery document that sends readers to an
// http authorization endpoint off this machine is not followed.
func TestOIDCInsecureEndpoint(t *testing.T) {
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"` + srv.URL + `","authorization_endpoint":"http://login.example/authorize","token_endpoint":"` + srv.URL + `/token","jwks_uri":"` + srv.URL + `/keys"}`))
	})
	site := &parley.Site{ID: "news", OIDC: parley.OIDC{Issuer: srv.URL, ClientID: "parley"}}
	_, err := auth.NewOIDC(nil, nil).AuthURL(t.Context(), site, "https://comments.example/auth/oidc/callback", "s", "n", strings.Repeat("v", 43))
	if parley.ErrorCode(err) != parley.EUNAVAILABLE || !strings.Contains(parley.ErrorMessage(err), "is not https") {
		t.Errorf("AuthURL with an http endpoint elsewhere = %v, want unavailable", err)
	}
}
