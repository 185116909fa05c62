package embed_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"parley"
	"parley/internal/auth"
	"parley/internal/embed"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
	"parley/internal/web"
)

// countingProvider stands for the site's OpenID Provider, which is not
// Parley's: it sends every reader to the same authorization URL and
// counts how many sign-ins reached it (each one then a flow row stored).
type countingProvider struct {
	service.OIDCProvider
	starts atomic.Int64
}

func (p *countingProvider) AuthURL(ctx context.Context, site *parley.Site, redirectURI, state, nonce, verifier string) (string, error) {
	p.starts.Add(1)
	return "https://id.example/authorize?state=" + url.QueryEscape(state), nil
}

// TestOIDCStartLimited: a flood of sign-in starts from one client gets,
// after the burst, the block's error page in the reader's language with
// 429 and Retry-After, whose key goes to the opener (its origin is
// allowed), and neither asks the provider nor stores a flow; another
// client still starts. Refused starts, which store nothing, do not count.
func TestOIDCStartLimited(t *testing.T) {
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	provider := &countingProvider{}
	svc := service.New(store, markup.New(), realtime.NewBus(), log, service.WithOIDC(provider, "https://parley.example"))
	if err := svc.CreateSite(context.Background(), &parley.Site{ID: "news", Origins: []string{"https://news.example"},
		OIDC: parley.OIDC{Issuer: "https://id.example", ClientID: "parley"}}); err != nil {
		t.Fatal(err)
	}
	// The test's own address is a trusted proxy, so that it may speak for
	// several clients with X-Forwarded-For.
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	block := embed.New(svc, log, embed.Config{Auth: auth.New("https://parley.example"), PublicURL: "https://parley.example", FormKey: testKey, OIDC: svc, TrustedProxies: trusted})
	mux := http.NewServeMux()
	block.Register(mux)
	srv := httptest.NewServer(web.WithClientAddress(mux, trusted))
	t.Cleanup(srv.Close)

	start := func(client string) (*http.Response, string) {
		return startFrom(t, srv.URL, client, "https://news.example")
	}
	for range 2 * embed.OIDCBurst {
		if resp, body := startFrom(t, srv.URL, "203.0.113.7", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("start from a foreign origin: %d %s", resp.StatusCode, body)
		}
	}
	for i := range embed.OIDCBurst {
		if resp, body := start("203.0.113.7"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := start("203.0.113.7")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("start past the burst: %d Retry-After %q %s; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if !strings.Contains(body, "Zu viele Anmeldeanfragen") || !strings.Contains(body, `"error":"signInTooFast"`) ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the refusal is not the block's German error page: %s %s", resp.Header.Get("Content-Type"), body)
	}
	if got := provider.starts.Load(); got != int64(embed.OIDCBurst) {
		t.Errorf("%d sign-ins reached the provider, want %d: the refused one went on", got, embed.OIDCBurst)
	}
	if resp, body := start("198.51.100.9"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another client: %d %s", resp.StatusCode, body)
	}
}

// startFrom starts a sign-in on the site news in German for a page on
// origin, as client (behind the test's trusted proxy).
func startFrom(t *testing.T, base, client, origin string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/auth/oidc/start?site=news&lang=de&origin="+url.QueryEscape(origin), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}
