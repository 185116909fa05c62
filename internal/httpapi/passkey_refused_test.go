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

// TestPasskeyRefusals: every way a passkey call is refused has its status
// and key, and none is a 500.
func TestPasskeyRefusals(t *testing.T) {
	s := passkeyStack(t, onSQLite)
	sessionOf(s, "Mara", "news", "email", parley.RoleCommenter)
	sessionOf(s, "Otto", "news", "email", parley.RoleCommenter)
	sessionOf(s, "Sven", "news", "sso", parley.RoleCommenter)
	sessionOf(s, "Elsa", "elsewhere", "email", parley.RoleCommenter)
	k := registerSoftKey(t, s, "Mara")

	t.Run("no session", func(t *testing.T) {
		wantStatus(t, "register options", s.do(http.MethodPost, pkRegisterOptions, "", ""), http.StatusUnauthorized, "passkeySessionRequired")
		wantStatus(t, "list", s.do(http.MethodGet, pkList, "", ""), http.StatusUnauthorized, "passkeySessionRequired")
		wantStatus(t, "delete", s.do(http.MethodDelete, pkList+"/x", "", ""), http.StatusUnauthorized, "passkeySessionRequired")
		wantStatus(t, "another site's session", s.do(http.MethodPost, pkRegisterOptions, "", "Elsa"), http.StatusUnauthorized, "passkeySessionRequired")
		r := s.do(http.MethodPost, pkRegisterOptions, "", "", "Accept-Language: de")
		if !strings.Contains(r.body, "Bitte melden Sie sich zuerst an.") {
			t.Errorf("in German: %s", r.body)
		}
	})
	t.Run("SSO session registers", func(t *testing.T) {
		wantStatus(t, "register options", s.do(http.MethodPost, pkRegisterOptions, "", "Sven"), http.StatusForbidden, "passkeyNeedsEmailSignIn")
		wantStatus(t, "register", s.do(http.MethodPost, pkRegister, ceremonyBody(t, "ppc_x", "", `{}`), "Sven"), http.StatusForbidden, "passkeyNeedsEmailSignIn")
	})
	t.Run("expired ceremony", func(t *testing.T) {
		r := s.do(http.MethodPost, pkRegisterOptions, "", "Otto")
		s.advance(parley.CeremonyTTL)
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", newSoftKey(t, newsOrigin).create(r.body))
		wantStatus(t, "register after 5 minutes", s.do(http.MethodPost, pkRegister, body, "Otto"), http.StatusUnauthorized, "passkeyCeremonyExpired")
	})
	t.Run("replayed ceremony", func(t *testing.T) {
		r := s.do(http.MethodPost, pkSignInOptions, "", "")
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", k.get(r.body))
		wantStatus(t, "sign in", s.do(http.MethodPost, pkSignIn, body, ""), http.StatusOK, "")
		wantStatus(t, "the same answer again", s.do(http.MethodPost, pkSignIn, body, ""), http.StatusUnauthorized, "passkeyCeremonyUnknown")
		wantStatus(t, "a made-up ceremony", s.do(http.MethodPost, pkSignIn, ceremonyBody(t, "ppc_nope", "", k.get(r.body)), ""), http.StatusUnauthorized, "passkeyCeremonyUnknown")
	})
	t.Run("ceremony of another site", func(t *testing.T) {
		r := s.do(http.MethodPost, "/api/v1/sites/elsewhere/auth/passkey/signin/options", "", "")
		wantStatus(t, "options elsewhere", r, http.StatusOK, "")
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", k.get(r.body))
		wantStatus(t, "finished on news", s.do(http.MethodPost, pkSignIn, body, ""), http.StatusUnauthorized, "passkeyCeremonyMismatch")
	})
	t.Run("ceremony of another user", func(t *testing.T) {
		r := s.do(http.MethodPost, pkRegisterOptions, "", "Mara")
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", newSoftKey(t, newsOrigin).create(r.body))
		wantStatus(t, "finished by Otto", s.do(http.MethodPost, pkRegister, body, "Otto"), http.StatusUnauthorized, "passkeyCeremonyMismatch")
	})
	t.Run("ceremony of the other step", func(t *testing.T) {
		r := s.do(http.MethodPost, pkSignInOptions, "", "")
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", newSoftKey(t, newsOrigin).create(r.body))
		wantStatus(t, "a sign-in ceremony used to register", s.do(http.MethodPost, pkRegister, body, "Otto"), http.StatusUnauthorized, "passkeyCeremonyMismatch")
	})
	t.Run("malformed", func(t *testing.T) {
		r := s.do(http.MethodPost, pkSignInOptions, "", "")
		ceremony := parseOptions(t, r.body).Ceremony
		for _, cred := range []string{`{}`, `{"id":1}`, `"x"`, `[]`, `{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"!!"}}`} {
			wantStatus(t, "sign in with "+cred, s.do(http.MethodPost, pkSignIn, ceremonyBody(t, ceremony, "", cred), ""), http.StatusBadRequest, "passkeyMalformed")
			wantStatus(t, "register with "+cred, s.do(http.MethodPost, pkRegister, ceremonyBody(t, ceremony, "", cred), "Otto"), http.StatusBadRequest, "passkeyMalformed")
		}
		for _, body := range []string{`{"ceremony":`, `{"ceremony":"x","credential":{},"extra":1}`, `nope`} {
			wantStatus(t, "body "+body, s.do(http.MethodPost, pkSignIn, body, ""), http.StatusBadRequest, "")
		}
		// The ceremony was not spent by the malformed answers.
		wantStatus(t, "sign in", s.do(http.MethodPost, pkSignIn, ceremonyBody(t, ceremony, "", k.get(r.body)), ""), http.StatusOK, "")
	})
	t.Run("bad name", func(t *testing.T) {
		r := s.do(http.MethodPost, pkRegisterOptions, "", "Otto")
		long := strings.Repeat("é", parley.MaxPasskeyNameLength+1)
		for _, name := range []string{"tab\there", long} {
			body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, name, newSoftKey(t, newsOrigin).create(r.body))
			wantStatus(t, "name "+name, s.do(http.MethodPost, pkRegister, body, "Otto"), http.StatusBadRequest, "passkeyNameInvalid")
		}
	})
	t.Run("wrong origin", func(t *testing.T) {
		r := s.do(http.MethodPost, pkSignInOptions, "", "")
		evil := *k
		evil.origin = "https://evil.example"
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", evil.get(r.body))
		wantStatus(t, "an answer made on another origin", s.do(http.MethodPost, pkSignIn, body, ""), http.StatusUnauthorized, "passkeyRefused")
		r = s.do(http.MethodPost, pkRegisterOptions, "", "Otto")
		other := newSoftKey(t, "https://evil.example")
		body = ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", other.create(r.body))
		wantStatus(t, "a passkey made on another origin", s.do(http.MethodPost, pkRegister, body, "Otto"), http.StatusBadRequest, "passkeyNotVerified")
		wantStatus(t, "a browser on another origin", s.do(http.MethodPost, pkSignInOptions, "", "", "Origin: https://evil.example"), http.StatusForbidden, "originNotAllowed")
	})
	t.Run("registered twice", func(t *testing.T) {
		r := s.do(http.MethodPost, pkRegisterOptions, "", "Mara")
		body := ceremonyBody(t, parseOptions(t, r.body).Ceremony, "", k.create(r.body))
		wantStatus(t, "the same credential again", s.do(http.MethodPost, pkRegister, body, "Mara"), http.StatusConflict, "passkeyExists")
	})
	t.Run("another user's passkey", func(t *testing.T) {
		wantStatus(t, "Otto deletes Mara's", s.do(http.MethodDelete, pkList+"/"+firstPasskey(t, s, "Mara"), "", "Otto"), http.StatusNotFound, "passkeyNotFound")
	})
	t.Run("off", func(t *testing.T) {
		site, _ := s.store.Site(context.Background(), "elsewhere")
		site.Passkeys.Off = true
		if err := s.svc.UpdateSite(context.Background(), site); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "sign-in options", s.do(http.MethodPost, "/api/v1/sites/elsewhere/auth/passkey/signin/options", "", ""), http.StatusForbidden, "passkeysOff")
		wantStatus(t, "register options", s.do(http.MethodPost, "/api/v1/sites/elsewhere/auth/passkey/register/options", "", "Elsa"), http.StatusForbidden, "passkeysOff")
	})
	t.Run("no origin", func(t *testing.T) {
		s.MustSite(&parley.Site{ID: "bare", Name: "Bare"})
		wantStatus(t, "sign-in options", s.do(http.MethodPost, "/api/v1/sites/bare/auth/passkey/signin/options", "", ""), http.StatusForbidden, "passkeyNoOrigin")
		wantStatus(t, "unknown site", s.do(http.MethodPost, "/api/v1/sites/ghost/auth/passkey/signin/options", "", ""), http.StatusNotFound, "")
	})
}

func firstPasskey(t *testing.T, s *stack, as string) string {
	t.Helper()
	var list struct{ Passkeys []struct{ ID string } }
	if err := json.Unmarshal([]byte(s.do(http.MethodGet, pkList, "", as).body), &list); err != nil || len(list.Passkeys) == 0 {
		t.Fatalf("%s has no passkey", as)
	}
	return list.Passkeys[0].ID
}

// TestStaffPasskey: on a site with --staff-passkey a moderator signed in by
// e-mail acts as a commenter and /me asks for a passkey; signed in with
// one, they act as moderator.
func TestStaffPasskey(t *testing.T) {
	s := passkeyStack(t, onSQLite)
	site, _ := s.store.Site(context.Background(), "news")
	site.Passkeys.Staff = true
	if err := s.svc.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	sessionOf(s, "Mod", "news", "email", parley.RoleModerator)
	sessionOf(s, "Reader", "news", "email", parley.RoleCommenter)
	var me struct {
		User            struct{ Role string }
		PasskeyRequired bool
	}
	json.Unmarshal([]byte(s.do(http.MethodGet, meNews, "", "Mod").body), &me)
	if me.User.Role != "commenter" || !me.PasskeyRequired {
		t.Errorf("moderator by e-mail: /me = %+v, want commenter and passkeyRequired", me)
	}
	me.PasskeyRequired = false
	json.Unmarshal([]byte(s.do(http.MethodGet, meNews, "", "Reader").body), &me)
	if me.User.Role != "commenter" || me.PasskeyRequired {
		t.Errorf("commenter by e-mail: /me = %+v, want commenter without passkeyRequired", me)
	}
	s.MustSite(&parley.Site{ID: "members", Name: "Members", Passkeys: parley.Passkeys{Staff: true},
		SSO: parley.SSO{Roles: true, Secrets: []parley.SSOSecret{{KID: "k1", Secret: ssoSecret}}}})
	r := s.do(http.MethodPost, ssoPath, `{"token":"`+mint(s, map[string]any{"role": "moderator"})+`"}`, "")
	if wantStatus(t, "SSO sign-in of a moderator", r, http.StatusOK, ""); !strings.Contains(r.body, `"role":"commenter"`) {
		t.Errorf("SSO sign-in of a moderator where staff need a passkey = %s, want role commenter", r.body)
	}
	k := registerSoftKey(t, s, "Mod")
	s.advance(time.Second)
	r = signInSoftKey(t, s, k)
	wantStatus(t, "sign in", r, http.StatusOK, "")
	var in struct {
		Session string
		User    struct{ Role string }
	}
	if json.Unmarshal([]byte(r.body), &in); in.User.Role != "moderator" {
		t.Errorf("passkey sign-in of a moderator = %s, want role moderator", r.body)
	}
	s.tokens["Mod (passkey)"] = in.Session
	r = s.do(http.MethodGet, meNews, "", "Mod (passkey)")
	me.PasskeyRequired = false
	if json.Unmarshal([]byte(r.body), &me); me.User.Role != "moderator" || me.PasskeyRequired {
		t.Errorf("moderator by passkey: /me = %s, want moderator", r.body)
	}
}
