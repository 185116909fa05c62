package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley"
)

const (
	pkRegisterOptions = "/api/v1/sites/news/auth/passkey/register/options"
	pkRegister        = "/api/v1/sites/news/auth/passkey/register"
	pkSignInOptions   = "/api/v1/sites/news/auth/passkey/signin/options"
	pkSignIn          = "/api/v1/sites/news/auth/passkey/signin"
	pkList            = "/api/v1/sites/news/me/passkeys"
	newsOrigin        = "https://news.example"
)

// passkeyStack is a stack with the site news (origin https://news.example)
// and the site elsewhere.
func passkeyStack(t *testing.T, open backend) *stack {
	s := newStack(t, open)
	s.MustSite(&parley.Site{ID: "news", Name: "News", Origins: []string{newsOrigin}, AllowAnonymous: true})
	s.MustSite(&parley.Site{ID: "elsewhere", Name: "Elsewhere", Origins: []string{"https://elsewhere.example"}})
	return s
}

// sessionOf stores a user of siteID with role and a session made by
// method, and keeps its token as as's credential. The e-mail link that
// makes "email" sessions is built elsewhere; its session is what counts.
func sessionOf(s *stack, as, siteID, method string, role parley.Role) {
	s.t.Helper()
	ctx := context.Background()
	now := s.clock()
	u := &parley.User{ID: parley.NewID(now), SiteID: siteID, Name: as, Email: strings.ToLower(as) + "@example.org", Role: role, CreatedAt: now}
	if id, ok := s.ids[as+"#user"]; ok {
		u.ID = id
	} else if err := s.store.CreateUser(ctx, u); err != nil {
		s.t.Fatal(err)
	}
	token, hash := parley.NewSessionToken()
	if err := s.store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: u.ID, SiteID: siteID, Method: method, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		s.t.Fatal(err)
	}
	s.tokens[as], s.ids[as+"#user"] = token, u.ID
}

// ceremonyBody is a finish request's body.
func ceremonyBody(t testing.TB, ceremony, name, credential string) string {
	t.Helper()
	m := map[string]any{"ceremony": ceremony, "credential": json.RawMessage(credential)}
	if name != "" {
		m["name"] = name
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// wantStatus fails unless r has status and, for errors, key.
func wantStatus(t *testing.T, what string, r response, status int, key string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: %d %s, want %d %s", what, r.status, r.body, status, key)
	}
	if key == "" {
		return
	}
	var e struct {
		Error struct{ Code, Message, Key string }
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error.Key != key || e.Error.Message == "" {
		t.Fatalf("%s: error %s, want key %q", what, r.body, key)
	}
}

// registerSoftKey registers a new software passkey for as and returns it.
func registerSoftKey(t *testing.T, s *stack, as string) *softKey {
	t.Helper()
	k := newSoftKey(t, newsOrigin)
	r := s.do(http.MethodPost, pkRegisterOptions, "", as, "Origin: "+newsOrigin)
	wantStatus(t, "register options", r, http.StatusOK, "")
	o := parseOptions(t, r.body)
	r = s.do(http.MethodPost, pkRegister, ceremonyBody(t, o.Ceremony, "Laptop", k.create(r.body)), as, "Origin: "+newsOrigin)
	wantStatus(t, "register", r, http.StatusCreated, "")
	return k
}

// signInSoftKey signs in with k and returns the answer.
func signInSoftKey(t *testing.T, s *stack, k *softKey) response {
	t.Helper()
	r := s.do(http.MethodPost, pkSignInOptions, "", "", "Origin: "+newsOrigin)
	wantStatus(t, "sign-in options", r, http.StatusOK, "")
	return s.do(http.MethodPost, pkSignIn, ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", k.get(r.body)), "", "Origin: "+newsOrigin)
}

// TestPasskeyLifecycle: a reader signed in by e-mail registers a passkey,
// signs in with it (a session of method passkey that /me accepts), sees
// it in their list with its last use, is refused when the counter goes
// backwards, and removes it, on both backends.
func TestPasskeyLifecycle(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := passkeyStack(t, open)
		sessionOf(s, "Mara", "news", "email", parley.RoleCommenter)

		r := s.do(http.MethodPost, pkRegisterOptions, "", "Mara")
		wantStatus(t, "register options", r, http.StatusOK, "")
		var opts struct {
			Ceremony  string
			PublicKey struct {
				RP                     struct{ ID, Name string }
				AuthenticatorSelection struct{ ResidentKey, UserVerification string }
				ExcludeCredentials     []struct{ ID string }
				Timeout                int
			}
		}
		json.Unmarshal([]byte(r.body), &opts)
		if !strings.HasPrefix(opts.Ceremony, "ppc_") || opts.PublicKey.RP.ID != "news.example" || opts.PublicKey.RP.Name != "News" ||
			opts.PublicKey.AuthenticatorSelection.ResidentKey != "required" || opts.PublicKey.AuthenticatorSelection.UserVerification != "preferred" ||
			len(opts.PublicKey.ExcludeCredentials) != 0 || opts.PublicKey.Timeout != int(parley.CeremonyTTL.Milliseconds()) {
			t.Fatalf("register options = %s", r.body)
		}
		k := newSoftKey(t, newsOrigin)
		r = s.do(http.MethodPost, pkRegister, ceremonyBody(t, opts.Ceremony, " Laptop ", k.create(r.body)), "Mara")
		wantStatus(t, "register", r, http.StatusCreated, "")
		var created struct {
			ID, Name  string
			CreatedAt time.Time
		}
		json.Unmarshal([]byte(r.body), &created)
		if created.ID == "" || created.Name != "Laptop" || !created.CreatedAt.Equal(s.clock()) {
			t.Errorf("registered = %s", r.body)
		}
		r = s.do(http.MethodPost, pkRegisterOptions, "", "Mara")
		if json.Unmarshal([]byte(r.body), &opts); len(opts.PublicKey.ExcludeCredentials) != 1 || opts.PublicKey.ExcludeCredentials[0].ID != b64.EncodeToString(k.id) {
			t.Errorf("excludeCredentials after registering = %s", r.body)
		}

		r = s.do(http.MethodPost, pkSignInOptions, "", "")
		if strings.Contains(r.body, `"allowCredentials":[{`) || !strings.Contains(r.body, `"rpId":"news.example"`) {
			t.Errorf("sign-in options name credentials or the wrong RP: %s", r.body)
		}
		s.advance(time.Minute)
		r = signInSoftKey(t, s, k)
		wantStatus(t, "sign in", r, http.StatusOK, "")
		var in struct {
			Session   string
			ExpiresAt time.Time
			User      struct{ ID, Name, Role string }
		}
		json.Unmarshal([]byte(r.body), &in)
		if !parley.WellFormedSessionToken(in.Session) || in.User.ID != s.ids["Mara#user"] || in.User.Role != "commenter" || in.ExpiresAt.IsZero() {
			t.Fatalf("signed in = %s", r.body)
		}
		se, _, err := s.store.Session(context.Background(), parley.HashSessionToken(in.Session))
		if err != nil || se.Method != parley.MethodPasskey {
			t.Fatalf("stored session = %+v, %v; want method passkey", se, err)
		}
		s.tokens["Mara (passkey)"] = in.Session
		wantStatus(t, "/me with the passkey session", s.do(http.MethodGet, meNews, "", "Mara (passkey)"), http.StatusOK, "")

		r = s.do(http.MethodGet, pkList, "", "Mara (passkey)")
		var list struct {
			Passkeys []struct {
				ID, Name   string
				LastUsedAt *time.Time
			}
		}
		if json.Unmarshal([]byte(r.body), &list); len(list.Passkeys) != 1 || list.Passkeys[0].ID != created.ID ||
			list.Passkeys[0].LastUsedAt == nil || !list.Passkeys[0].LastUsedAt.Equal(s.clock()) {
			t.Errorf("passkeys = %s", r.body)
		}

		k.counter -= 2 // the next get counts one up: below the stored count
		wantStatus(t, "a counter going backwards", signInSoftKey(t, s, k), http.StatusUnauthorized, "passkeyCloned")

		del := pkList + "/" + created.ID
		wantStatus(t, "delete", s.do(http.MethodDelete, del, "", "Mara"), http.StatusNoContent, "")
		wantStatus(t, "delete again", s.do(http.MethodDelete, del, "", "Mara"), http.StatusNotFound, "passkeyNotFound")
		if r := s.do(http.MethodGet, pkList, "", "Mara"); r.body != "{\"passkeys\":[]}\n" {
			t.Errorf("passkeys after delete = %s", r.body)
		}
		k.counter += 5
		wantStatus(t, "sign in with a deleted passkey", signInSoftKey(t, s, k), http.StatusUnauthorized, "passkeyUnknown")
	})
}
