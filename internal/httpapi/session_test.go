package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ssoSecret is the HS256 secret of the fixture site "members", which
// takes no anonymous comments: its readers sign in by SSO.
const ssoSecret = "members-secret-0123456789abcdef0123456789"

const (
	ssoPath = "/api/v1/sites/members/auth/sso"
	meNews  = "/api/v1/me?site=news"
	me      = "/api/v1/me?site=members"
	signOut = "/api/v1/sites/members/auth/signout"
)

// mint signs an SSO token for "members" at the stack's clock: sub mara,
// valid five minutes, with changes (nil deletes a claim).
func mint(s *stack, changes map[string]any) string {
	s.t.Helper()
	now := s.clock()
	c := jwt.MapClaims{"sub": "mara", "name": "Mara", "email": "mara@example.org", "badges": []string{"subscriber"},
		"aud": "members", "exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "jti": "jti-" + now.Format(time.RFC3339Nano) + "-" + nextJTI(s)}
	secret := ssoSecret
	for k, v := range changes {
		switch {
		case k == "secret":
			secret = v.(string)
		case v == nil:
			delete(c, k)
		default:
			c[k] = v
		}
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = "k1"
	out, err := tok.SignedString([]byte(secret))
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// nextJTI makes each minted token's jti unique within a stack.
func nextJTI(s *stack) string {
	s.ids["#jti"] += "x"
	return s.ids["#jti"]
}

// mintAs stores a token under name for {name} in paths and bodies.
func mintAs(name string, changes map[string]any) func(s *stack) {
	return func(s *stack) { s.ids[name] = mint(s, changes) }
}

// signIn exchanges a token and keeps the session as the commenter as's
// credential; it returns the user ID.
func signIn(s *stack, as string, changes map[string]any) string {
	s.t.Helper()
	r := s.do(http.MethodPost, ssoPath, `{"token":"`+mint(s, changes)+`"}`, "")
	if r.status != http.StatusOK {
		s.t.Fatalf("sso exchange: %d %s", r.status, r.body)
	}
	var out struct {
		Session   string
		ExpiresAt time.Time
		User      struct{ ID, Name, Role string }
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		s.t.Fatal(err)
	}
	s.tokens[as] = out.Session
	s.ids[as] = out.User.ID
	return out.User.ID
}

func signedIn(as string) func(s *stack) {
	return func(s *stack) { signIn(s, as, nil) }
}

func ssoScenarios() []scenario {
	body := `{"token":"{tok}"}`
	key := func(k string) []string { return []string{`"key":"` + k + `"`} }
	return []scenario{
		{name: "exchange", before: mintAs("tok", nil), method: "POST", path: ssoPath, body: body, status: 200,
			want:    []string{`"session":"pss_`, `"expiresAt":"2026-12-26T12:00:00Z"`, `"user":{"id":"`, `"name":"Mara","role":"commenter","badges":["subscriber"]}`},
			wantNot: []string{"mara@example.org"},
			check: func(t *testing.T, s *stack, r response) {
				if cc := r.header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", cc)
				}
			}},
		{name: "bad signature", before: mintAs("tok", map[string]any{"secret": strings.Repeat("w", 40)}), method: "POST", path: ssoPath, body: body, status: 401, code: "unauthorized", want: key("ssoBadSignature")},
		{name: "expired", before: mintAs("tok", map[string]any{"exp": time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC).Unix()}), method: "POST", path: ssoPath, body: body, status: 401, code: "unauthorized", want: key("ssoExpired")},
		{name: "wrong audience", before: mintAs("tok", map[string]any{"aud": "news"}), method: "POST", path: ssoPath, body: body, status: 401, code: "unauthorized", want: key("ssoWrongAudience")},
		{name: "no sub", before: mintAs("tok", map[string]any{"sub": nil}), method: "POST", path: ssoPath, body: body, status: 401, code: "unauthorized", want: key("ssoNoSubject")},
		{name: "replayed jti", before: func(s *stack) { mintAs("tok", nil)(s); s.do("POST", ssoPath, s.expand(body), "") },
			method: "POST", path: ssoPath, body: body, status: 401, code: "unauthorized", want: key("ssoReplayed")},
		{name: "a site without SSO", before: mintAs("tok", map[string]any{"aud": "news"}), method: "POST", path: "/api/v1/sites/news/auth/sso", body: body, status: 401, code: "unauthorized", want: key("ssoOff")},
		{name: "an unknown site", method: "POST", path: "/api/v1/sites/nowhere/auth/sso", body: `{"token":"x"}`, status: 404, code: "not_found"},
		{name: "a bad site ID", method: "POST", path: "/api/v1/sites/%ff/auth/sso", body: `{"token":"x"}`, status: 400, code: "invalid"},
		{name: "garbage", method: "POST", path: ssoPath, body: `{"token":"\u0000.\u0000.\u0000"}`, status: 401, code: "unauthorized", want: key("ssoMalformed")},
		{name: "alg none", method: "POST", path: ssoPath, body: `{"token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYXJhIn0."}`, status: 401, code: "unauthorized", want: key("ssoAlgNone")},
		{name: "over 8 KiB", method: "POST", path: ssoPath, body: `{"token":"` + strings.Repeat("a", 9000) + `"}`, status: 401, code: "unauthorized", want: key("ssoTooLarge")},
		{name: "no body", method: "POST", path: ssoPath, status: 400, code: "invalid"},
		{name: "from an origin the site does not allow", before: mintAs("tok", nil), method: "POST", path: ssoPath, body: body, header: []string{"Origin: https://elsewhere.example"}, status: 403, code: "forbidden"},
		{name: "first exchanges of one sub at once", before: mintAs("tok", map[string]any{"sub": "first"}), method: "POST", path: ssoPath, body: body, status: 200, check: firstExchangesAtOnce},
		{name: "role claim ignored where the site does not honour it", before: mintAs("tok", map[string]any{"role": "admin"}), method: "POST", path: ssoPath, body: body, status: 200, want: []string{`"role":"commenter"`}},
		{name: "same sub is the same user, profile updated", before: func(s *stack) { signIn(s, "Mara", nil); mintAs("tok", nil)(s) },
			method: "POST", path: ssoPath, body: body, status: 200,
			check: func(t *testing.T, s *stack, r response) {
				first := s.ids["Mara"]
				second := signIn(s, "Mara2", map[string]any{"name": "Mara K.", "email": "new@example.org", "badges": []string{}})
				if second != first {
					t.Fatalf("second sign-in of sub mara got user %s, want %s", second, first)
				}
				got := s.do("GET", me, "", "Mara")
				if !strings.Contains(got.body, `"name":"Mara K.","role":"commenter","badges":[]`) {
					t.Errorf("me after a changed profile = %s", got.body)
				}
			}},
	}
}

// firstExchangesAtOnce sends the first exchanges of one sub at once:
// whichever unit creates the identity, the others must find it, so every
// one succeeds with the same user.
func firstExchangesAtOnce(t *testing.T, s *stack, r response) {
	const n = 8
	bodies := make([]string, n)
	for i := range bodies {
		bodies[i] = `{"token":"` + mint(s, map[string]any{"sub": "racer"}) + `"}`
	}
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got := s.do("POST", ssoPath, bodies[i], "")
			var out struct{ User struct{ ID string } }
			if got.status != 200 || json.Unmarshal([]byte(got.body), &out) != nil {
				t.Errorf("exchange %d: %d %s", i, got.status, got.body)
			}
			ids[i] = out.User.ID
		})
	}
	wg.Wait()
	for i, id := range ids {
		if id != ids[0] {
			t.Errorf("exchange %d got user %s, exchange 0 got %s: one sub, one user", i, id, ids[0])
		}
	}
}

func sessionScenarios() []scenario {
	return []scenario{
		{name: "post with a session on a site without anonymous comments", before: signedIn("Mara"), method: "POST", path: "/api/v1/sites/members/stories/s1/comments", as: "Mara",
			body: `{"body":"Als Abonnentin."}`, status: 201, want: []string{`"name":"Mara"`}, wantNot: []string{"commenterToken"}},
		{name: "edit own comment with a session", before: func(s *stack) { signIn(s, "Mara", nil); s.MustPost("m1", "Mara", "members", "s1", "", "Erst.") },
			method: "PATCH", path: "/api/v1/comments/{m1}", as: "Mara", body: `{"body":"Dann."}`, status: 200},
		{name: "me with a session", before: signedIn("Mara"), method: "GET", path: me, as: "Mara", status: 200,
			want: []string{`{"user":{"id":"{Mara}","name":"Mara","role":"commenter","badges":["subscriber"]}}`}},
		{name: "me with a commenter token", method: "GET", path: meNews, as: "Alice", status: 200, want: []string{`"name":"Alice","role":"commenter","badges":[]`}},
		{name: "me without credentials", method: "GET", path: me, status: 401, code: "unauthorized"},
		{name: "me without a site", method: "GET", path: "/api/v1/me", as: "Alice", status: 400, code: "invalid"},
		{name: "me with an unknown session", method: "GET", path: me, header: []string{"Authorization: Bearer pss_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, status: 401, code: "unauthorized", want: []string{`"key":"sessionInvalid"`}},
		{name: "me with a malformed session", method: "GET", path: me, header: []string{"Authorization: Bearer pss_\u00ff"}, status: 401, code: "unauthorized"},
		{name: "me with a session on another site", before: signedIn("Mara"), method: "GET", path: meNews, as: "Mara", status: 401, code: "unauthorized"},
		{name: "sign out", before: signedIn("Mara"), method: "POST", path: signOut, as: "Mara", status: 204,
			check: func(t *testing.T, s *stack, r response) {
				if got := s.do("GET", me, "", "Mara"); got.status != 401 {
					t.Errorf("me after sign out = %d %s, want 401", got.status, got.body)
				}
				if got := s.do("POST", signOut, "", "Mara"); got.status != 401 {
					t.Errorf("sign out again = %d, want 401", got.status)
				}
			}},
		{name: "sign out everywhere", before: func(s *stack) {
			signIn(s, "Mara", nil)
			signIn(s, "Phone", nil)
			signIn(s, "Other", map[string]any{"sub": "otto"})
		},
			method: "POST", path: signOut, as: "Mara", body: `{"everywhere":true}`, status: 204,
			check: func(t *testing.T, s *stack, r response) {
				if got := s.do("GET", me, "", "Phone"); got.status != 401 {
					t.Errorf("the other session after sign out everywhere = %d, want 401", got.status)
				}
				if got := s.do("GET", me, "", "Other"); got.status != 200 {
					t.Errorf("another reader's session after sign out everywhere = %d, want 200", got.status)
				}
			}},
		{name: "sign out with only a commenter token", method: "POST", path: "/api/v1/sites/news/auth/signout", as: "Alice", status: 401, code: "unauthorized"},
		{name: "sign out with a bad body", before: signedIn("Mara"), method: "POST", path: signOut, as: "Mara", body: `{"everywhere":"yes"}`, status: 400, code: "invalid"},
		{name: "a session expires unused", before: func(s *stack) { signIn(s, "Mara", nil); s.advance(30*24*time.Hour + time.Second) },
			method: "GET", path: me, as: "Mara", status: 401, code: "unauthorized", want: []string{`"key":"sessionExpired"`}},
		{name: "a session used slides", before: signedIn("Mara"), method: "GET", path: me, as: "Mara", status: 200,
			check: func(t *testing.T, s *stack, r response) {
				for range 3 {
					s.advance(20 * 24 * time.Hour)
					if got := s.do("GET", me, "", "Mara"); got.status != 200 {
						t.Fatalf("me 20 days after the last use = %d %s, want 200", got.status, got.body)
					}
				}
				s.advance(30*24*time.Hour + time.Second)
				if got := s.do("GET", me, "", "Mara"); got.status != 401 {
					t.Fatalf("me 30 days after the last use = %d, want 401", got.status)
				}
			}},
	}
}
