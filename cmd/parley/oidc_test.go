package main

import (
	"bytes"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// newsOrigin is the publisher's page that opens the sign-in popup.
const newsOrigin = "https://news.example"

// oidcWorld is Parley with a site "news" that signs readers in at a real
// provider, both on 127.0.0.1.
type oidcWorld struct {
	app *testApp
	op  *testProvider
}

func startOIDC(t *testing.T) *oidcWorld {
	t.Helper()
	app := startTestApp(t)
	op := startProvider(t, app.URL)
	site := &parley.Site{ID: "news", Name: "News", Origins: []string{newsOrigin},
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength,
		OIDC: parley.OIDC{Issuer: op.Issuer, ClientID: providerClient, Secret: providerSecret, Name: "Example Login"}}
	if err := app.store.CreateSite(t.Context(), site); err != nil {
		t.Fatal(err)
	}
	return &oidcWorld{app: app, op: op}
}

// start opens the popup as the widget does and returns the provider's
// URL it was sent on to.
func (w *oidcWorld) start(t *testing.T, f *signinFlow) string {
	t.Helper()
	resp, body := f.get(startURL(w.app.URL, "news", newsOrigin, "de"))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, w.op.Issuer+"/") {
		t.Fatalf("start: %s, Location %q\n%.500s", resp.Status, loc, body)
	}
	return loc
}

// signIn goes through the whole flow as user and returns the page's result.
func (w *oidcWorld) signIn(t *testing.T, user string) signinResult {
	t.Helper()
	f := newSigninFlow(t)
	back := f.login(w.start(t, f), user, w.app.URL)
	resp, body := f.get(back)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("callback: %s\n%.800s", resp.Status, body)
	}
	return pageResult(t, body)
}

// me asks the API who the session belongs to.
func (w *oidcWorld) me(t *testing.T, session string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.app.URL+"/api/v1/me?site=news", nil)
	req.Header.Set("Authorization", "Bearer "+session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestOIDCSignIn: the whole flow against a real provider, from the popup's
// start through the provider's login form to the page that hands the
// session to the opener, whose session then answers /me; the same sub is
// the same user after its e-mail changed; an unverified e-mail is not kept.
func TestOIDCSignIn(t *testing.T) {
	w := startOIDC(t)
	f := newSigninFlow(t)
	auth := w.start(t, f)
	for key, want := range map[string]string{
		"redirect_uri": w.app.URL + "/auth/oidc/callback", "client_id": providerClient,
		"scope": "openid email profile", "response_type": "code", "code_challenge_method": "S256",
	} {
		if !hasQuery(auth, key, want) {
			t.Errorf("authorization URL %s: %s is not %q", auth, key, want)
		}
	}
	for _, key := range []string{"state", "nonce", "code_challenge"} {
		if p, _ := url.Parse(auth); len(p.Query().Get(key)) < 43 {
			t.Errorf("authorization URL %s: %s is missing or short", auth, key)
		}
	}
	back := f.login(auth, "ada", w.app.URL)
	resp, body := f.get(back)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("callback: %s\n%s", resp.Status, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("callback headers: CSP %q, Cache-Control %q", csp, resp.Header.Get("Cache-Control"))
	}
	if !strings.Contains(body, `src="`+w.app.URL+`/auth/oidc/signin.js"`) || !strings.Contains(body, "Willkommen, Ada Lovelace") {
		t.Errorf("callback page lacks the script or the German greeting:\n%s", body)
	}
	first := pageResult(t, body)
	m := first.Message
	if first.Origin != newsOrigin || m.Type != "parley:signin" || !parley.WellFormedSessionToken(m.Session) || m.ExpiresAt == "" ||
		m.User == nil || m.User.Name != "Ada Lovelace" || m.User.Role != "commenter" || m.User.Badges == nil || m.Error != "" {
		t.Fatalf("result = %+v", first)
	}
	if code, me := w.me(t, m.Session); code != http.StatusOK || !strings.Contains(me, `"id":"`+m.User.ID+`"`) {
		t.Fatalf("/me with the session: %d %s", code, me)
	}
	se, u, err := w.app.store.Session(t.Context(), parley.HashSessionToken(m.Session))
	if err != nil || se.Method != parley.MethodOIDC || u.Email != "ada@example.org" {
		t.Fatalf("stored session %+v, user %+v, %v", se, u, err)
	}

	// The state was used: the same callback again signs nobody in.
	resp, body = f.get(back)
	if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Origin != "" || r.Message.Session != "" {
		t.Errorf("replayed callback: %s, result %+v", resp.Status, r)
	}

	w.op.users.setEmail("sub-ada", "ada@lovelace.example")
	again := w.signIn(t, "ada")
	if again.Message.User == nil || again.Message.User.ID != m.User.ID || again.Message.Session == m.Session {
		t.Fatalf("second sign-in of the same sub: %+v, want user %s with a new session", again, m.User.ID)
	}
	if u, err := w.app.store.User(t.Context(), m.User.ID); err != nil || u.Email != "ada@lovelace.example" {
		t.Errorf("user after the e-mail changed: %+v, %v", u, err)
	}
	if id, err := w.app.store.IdentityUser(t.Context(), "news", parley.OIDCSubject(w.op.Issuer, "sub-ada")); err != nil || id.ID != m.User.ID {
		t.Errorf("identity oidc:<issuer>#sub-ada = %v, %v", id, err)
	}

	bob := w.signIn(t, "bob")
	if bob.Message.User == nil || bob.Message.User.ID == m.User.ID {
		t.Fatalf("bob: %+v", bob)
	}
	if u, err := w.app.store.User(t.Context(), bob.Message.User.ID); err != nil || u.Email != "" || u.Name != "Bob Builder" {
		t.Errorf("bob, whose e-mail is unverified: %+v, %v; want no e-mail kept", u, err)
	}
}

// TestOIDCRefusals: every way a sign-in can go wrong ends on a page that
// says so, with its own key posted to the opener when its origin is known
// and to nobody otherwise, never on a redirect to anywhere but the
// provider and never a 500.
func TestOIDCRefusals(t *testing.T) {
	w := startOIDC(t)
	down := closedAddr(t)
	if err := w.app.store.CreateSite(t.Context(), &parley.Site{ID: "down", Origins: []string{newsOrigin}, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, OIDC: parley.OIDC{Issuer: "http://" + down, ClientID: providerClient}}); err != nil {
		t.Fatal(err)
	}
	state := func(auth string) string { p, _ := url.Parse(auth); return p.Query().Get("state") }
	callback := func(q url.Values) string { return w.app.URL + "/auth/oidc/callback?" + q.Encode() }

	t.Run("OriginNotOnSite", func(t *testing.T) {
		resp, body := newSigninFlow(t).get(startURL(w.app.URL, "news", "https://evil.example", "en"))
		r := pageResult(t, body)
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" || r.Origin != "" || !strings.Contains(body, "allowed origins") {
			t.Errorf("start from another origin: %s, Location %q, result %+v", resp.Status, resp.Header.Get("Location"), r)
		}
	})
	t.Run("SiteWithoutOIDC", func(t *testing.T) {
		resp, body := newSigninFlow(t).get(startURL(w.app.URL, "demo", w.app.URL, "fr"))
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" || !strings.Contains(body, "compte externe") {
			t.Errorf("start on a site without OIDC: %s, Location %q\n%s", resp.Status, resp.Header.Get("Location"), body)
		}
	})
	t.Run("ForgedHost", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, startURL(w.app.URL, "news", newsOrigin, "en"), nil)
		req.Host = "evil.example"
		resp, err := newSigninFlow(t).client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); !hasQuery(loc, "redirect_uri", w.app.URL+"/auth/oidc/callback") {
			t.Errorf("with Host: evil.example the provider is told to send readers to %s", loc)
		}
	})
	t.Run("NonceTampered", func(t *testing.T) {
		f := newSigninFlow(t)
		auth, _ := url.Parse(w.start(t, f))
		q := auth.Query()
		q.Set("nonce", strings.Repeat("n", 43))
		auth.RawQuery = q.Encode()
		resp, body := f.get(f.login(auth.String(), "ada", w.app.URL))
		if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Origin != newsOrigin || r.Message.Error != "oidcNonceMismatch" || r.Message.Session != "" {
			t.Errorf("ID token with another nonce: %s, result %+v", resp.Status, r)
		}
	})
	t.Run("Denied", func(t *testing.T) {
		f := newSigninFlow(t)
		resp, body := f.get(callback(url.Values{"state": {state(w.start(t, f))}, "error": {"access_denied"}}))
		if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Origin != newsOrigin || r.Message.Error != "oidcDenied" || !strings.Contains(body, "abgebrochen") {
			t.Errorf("provider's access_denied: %s, result %+v\n%s", resp.Status, r, body)
		}
	})
	t.Run("BadCode", func(t *testing.T) {
		f := newSigninFlow(t)
		resp, body := f.get(callback(url.Values{"state": {state(w.start(t, f))}, "code": {"made-up"}}))
		if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Origin != newsOrigin || r.Message.Error != "oidcExchangeFailed" {
			t.Errorf("made-up code: %s, result %+v", resp.Status, r)
		}
	})
	t.Run("UnknownState", func(t *testing.T) {
		for _, s := range []string{"", "x", "pos_" + strings.Repeat("A", 43)} {
			resp, body := newSigninFlow(t).get(callback(url.Values{"state": {s}, "code": {"c"}}))
			if r := pageResult(t, body); resp.StatusCode != http.StatusUnauthorized || r.Origin != "" {
				t.Errorf("state %q: %s, result %+v", s, resp.Status, r)
			}
		}
	})
	t.Run("ProviderDown", func(t *testing.T) {
		for range 2 { // the second start finds the failure cached
			resp, body := newSigninFlow(t).get(startURL(w.app.URL, "down", newsOrigin, "es"))
			r := pageResult(t, body)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Location") != "" ||
				r.Origin != newsOrigin || r.Message.Error != "oidcUnavailable" || !strings.Contains(body, "no se puede contactar") {
				t.Errorf("start with the provider down: %s, Retry-After %q, result %+v\n%s", resp.Status, resp.Header.Get("Retry-After"), r, body)
			}
		}
	})
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestSiteOIDCFlags: parley site update sets the provider, reads the
// secret from a file without its surrounding whitespace, refuses an
// issuer over plain HTTP to another host, and turns OIDC off with an
// empty issuer.
func TestSiteOIDCFlags(t *testing.T) {
	dir := t.TempDir()
	cli := newSiteCLI(t)
	cmd := func(args ...string) error { return cli.run(append([]string{"site"}, args...)...) }
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("\n  client-secret \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stored := func() parley.OIDC { return cli.site("news").OIDC }
	if err := cmd("create", "--id", "news"); err != nil {
		t.Fatal(err)
	}
	if err := cmd("update", "--id", "news", "--oidc-issuer", "https://login.example", "--oidc-client-id", "parley",
		"--oidc-secret-file", secret, "--oidc-name", "Example Login"); err != nil {
		t.Fatal(err)
	}
	want := parley.OIDC{Issuer: "https://login.example", ClientID: "parley", Secret: "client-secret", Name: "Example Login"}
	if d := cmp.Diff(want, stored()); d != "" {
		t.Errorf("after the update (-want +got):\n%s", d)
	}
	for _, args := range [][]string{
		{"--oidc-issuer", "http://login.example"},
		{"--oidc-secret-file", filepath.Join(dir, "absent")},
	} {
		if err := cmd(append([]string{"update", "--id", "news"}, args...)...); err == nil {
			t.Errorf("update %v succeeded", args)
		}
	}
	if d := cmp.Diff(want, stored()); d != "" {
		t.Errorf("after refused updates (-want +got):\n%s", d)
	}
	if err := cmd("update", "--id", "news", "--oidc-issuer", ""); err != nil {
		t.Fatal(err)
	}
	if got := stored(); got != (parley.OIDC{}) {
		t.Errorf("after --oidc-issuer \"\": %+v, want OIDC off", got)
	}
}
