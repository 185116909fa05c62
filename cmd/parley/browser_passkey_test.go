package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/evanw/esbuild/pkg/api"

	"parley"
	"parley/internal/i18n"
)

// passkeyHelpers bundles widget/src/passkey.ts, with the Api it calls
// through, for a test page: the widget's bundle does not ship it until the
// widget shows passkeys.
func passkeyHelpers(t *testing.T) []byte {
	t.Helper()
	src, err := filepath.Abs("../../widget/src")
	if err != nil {
		t.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		Stdin: &api.StdinOptions{ResolveDir: src, Loader: api.LoaderTS, Sourcefile: "passkey-test.ts", Contents: `
import { Api } from "./api";
import { passkeysSupported, registerPasskey, signInWithPasskey, listPasskeys } from "./passkey";
(window as any).pk = { Api, passkeysSupported, registerPasskey, signInWithPasskey, listPasskeys };`},
		Bundle: true, Write: false, Format: api.FormatIIFE, Target: api.ES2020, Platform: api.PlatformBrowser, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("bundle passkey.ts: %v", api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}))
	}
	return res.OutputFiles[0].Contents
}

// startPasskeyApp serves Parley at http://localhost:PORT, a secure context
// whose RP ID is "localhost", with the site news on that origin (staff
// need a passkey there) and a page that loads the passkey helpers. It
// returns the URL and the store.
func startPasskeyApp(t *testing.T) (string, parley.Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://localhost:" + strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:")
	site := &parley.Site{ID: "news", Name: "News", Origins: []string{url}, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, Passkeys: parley.Passkeys{Staff: true}, CreatedAt: parley.Now()}
	if err := store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, closeLive, err := newHandler(ctx, store, log, handlerConfig{PublicURL: url})
	if err != nil {
		t.Fatal(err)
	}
	js := passkeyHelpers(t)
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET /passkey-test", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Passkeys</title>` +
			`<script src="/passkey-test.js"></script></head><body><h1>Passkeys</h1></body></html>`))
	})
	mux.HandleFunc("GET /passkey-article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Passkeys article</title></head>` +
			`<body><main><h1>Passkeys article</h1><parley-discussion site="news" story="pk"></parley-discussion>` +
			`<script src="/embed.js" async></script></main></body></html>`))
	})
	mux.HandleFunc("GET /passkey-test.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(js)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { closeLive(); srv.Close() })
	return url, store
}

// addAuthenticator gives the tab a virtual platform authenticator that
// holds discoverable credentials and verifies its user.
func (b *tab) addAuthenticator() webauthn.AuthenticatorID {
	b.t.Helper()
	var id webauthn.AuthenticatorID
	b.do("add a virtual authenticator", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
		id = res.AuthenticatorID
		return err
	}))
	return id
}

// pageCall runs an async expression with api (an Api of site news on the
// page's origin) in scope and returns its JSON, or "error: key" when it
// throws.
func pageCall[T any](b *tab, expr string) T {
	b.t.Helper()
	js := `(async () => { const api = new pk.Api('', 'news'); try { return JSON.stringify(await (` + expr + `)); }
		catch (e) { return JSON.stringify({error: (e.key || e.code || e.name) + ' ' + e.message}); } })()`
	raw := evalJS[string](b, js)
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		b.t.Fatalf("%s: %v: %s", expr, err, raw)
	}
	return v
}

type pageAnswer struct {
	Error           string
	Name            string
	Session         string
	PasskeyRequired bool
	User            struct{ ID, Role string }
}

// TestBrowserPasskey: in Chromium with a virtual authenticator, a
// moderator signed in by e-mail acts as a commenter on a site that wants
// staff to use passkeys; they register a passkey through passkey.ts, sign
// out, sign in with the passkey and act as moderator with the new session.
// Signed in by e-mail again, the widget's profile tells them to use their
// passkey to act as staff, lists it, refuses the same authenticator twice
// (passkeyExists, in words), removes it and adds one.
func TestBrowserPasskey(t *testing.T) {
	url, store := startPasskeyApp(t)
	ctx := t.Context()
	now := parley.Now()
	mod := &parley.User{ID: parley.NewID(now), SiteID: "news", Name: "Moritz", Email: "moritz@news.example", Role: parley.RoleModerator, CreatedAt: now}
	if err := store.CreateUser(ctx, mod); err != nil {
		t.Fatal(err)
	}
	token, hash := parley.NewSessionToken()
	if err := store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: mod.ID, SiteID: "news", Method: "email", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, "passkey")
	b.do("open the test page", chromedp.Navigate(url+"/passkey-test"))
	authenticator := b.addAuthenticator()
	if !evalJS[bool](b, "pk.passkeysSupported()") {
		t.Fatalf("passkeys are not supported on %s%s", url, b.diagnose())
	}
	evalJS[bool](b, "(localStorage.setItem('parley:session:news', "+jsString(token)+"), true)")

	me := pageCall[pageAnswer](b, "api.call('GET', '/me?site=news')")
	if me.User.Role != "commenter" || !me.PasskeyRequired {
		t.Errorf("moderator by e-mail: /me = %+v, want commenter and passkeyRequired", me)
	}
	if got := pageCall[pageAnswer](b, "pk.registerPasskey(api, 'Laptop')"); got.Name != "Laptop" {
		t.Fatalf("registerPasskey = %+v%s", got, b.diagnose())
	}
	creds, err := chromedp.Call(b.ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: authenticator})
	if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential || creds.Credentials[0].RpID != "localhost" {
		t.Fatalf("the authenticator holds %+v, %v; want one discoverable credential for localhost", creds.Credentials, err)
	}
	if got := pageCall[map[string]any](b, "api.call('POST', '/sites/news/auth/signout').then(() => (api.session = null, {}))"); got["error"] != nil {
		t.Fatalf("sign out: %v", got)
	}

	in := pageCall[pageAnswer](b, "pk.signInWithPasskey(api).then((r) => (api.session = r.session, r))")
	if !parley.WellFormedSessionToken(in.Session) || in.User.ID != mod.ID || in.User.Role != "moderator" {
		t.Fatalf("signInWithPasskey = %+v%s", in, b.diagnose())
	}
	se, _, err := store.Session(ctx, parley.HashSessionToken(in.Session))
	if err != nil || se.Method != parley.MethodPasskey {
		t.Fatalf("the new session = %+v, %v; want method passkey", se, err)
	}
	me = pageCall[pageAnswer](b, "api.call('GET', '/me?site=news')")
	if me.User.ID != mod.ID || me.User.Role != "moderator" || me.PasskeyRequired {
		t.Errorf("moderator by passkey: /me = %+v, want moderator", me)
	}
	if _, _, err := store.Session(ctx, hash); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the e-mail session after signing out: %v, want gone", err)
	}

	token, hash = parley.NewSessionToken()
	if err := store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: mod.ID, SiteID: "news", Method: "email", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	evalJS[bool](b, "(localStorage.setItem('parley:session:news', "+jsString(token)+"), true)")
	profilePasskeys(t, b, url, token, pageCall[struct{ Passkeys []struct{ ID, Name string } }](b, "pk.listPasskeys(api).then((passkeys) => ({passkeys}))").Passkeys[0].ID)
}

// profilePasskeys drives the profile's passkeys for the moderator signed
// in by e-mail (session) who holds the one passkey "Laptop" (laptop, its
// ID).
func profilePasskeys(t *testing.T, b *tab, url, session, laptop string) {
	en := i18n.For("en")
	b.open(url + "/passkey-article")
	b.click("the profile button", "button("+jsString(en.T("account.profile"))+")")
	b.waitFor("the staff notice", dialogJS+" && all('.hint', "+dialogJS+").some((p) => named(p) == "+jsString(en.T("profile.passkeyRequired"))+")")
	remove := "button(" + jsString(en.T("profile.passkeyRemoveOf", "Laptop")) + ", " + dialogJS + ")"
	b.waitFor("the passkey in the list", remove+" && named("+remove+".closest('li')).startsWith('Laptop')")
	add := "button(" + jsString(en.T("profile.addPasskey")) + ", " + dialogJS + ")"
	b.click("add a passkey from the same authenticator", add)
	b.waitFor("refused in words", "named("+dialogJS+".querySelector('[role=status]')) == "+jsString(en.T("error.passkeyExists")))
	b.click("remove Laptop", remove)
	b.waitFor("removed, the list empty", "named("+dialogJS+".querySelector('[role=status]')) == "+jsString(en.T("profile.passkeyRemoved"))+
		" && named("+dialogJS+".querySelector('.pks')) == "+jsString(en.T("profile.noPasskeys")))
	b.click("add a passkey", add)
	b.waitFor("added and listed", "named("+dialogJS+".querySelector('[role=status]')) == "+jsString(en.T("profile.passkeyAdded"))+
		" && !!button("+jsString(en.T("profile.passkeyRemoveOf", "Moritz"))+", "+dialogJS+")")
	var list struct{ Passkeys []struct{ ID, Name string } }
	if err := json.NewDecoder(apiGet(t, url+"/api/v1/sites/news/me/passkeys", session).Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Passkeys) != 1 || list.Passkeys[0].Name != "Moritz" || list.Passkeys[0].ID == laptop {
		t.Errorf("the server lists %+v, want only the new passkey", list.Passkeys)
	}
}
