package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/store/sqlite"
	"parley/internal/web"
)

const own = "https://parley.example"

// world is a real SQLite store with one site and one commenter, whose
// token the tests send.
type world struct {
	store  parley.Store
	users  *countingUsers
	token  string
	user   *parley.User
	clock  time.Time
	tokens *auth.CommenterTokens
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	w := &world{store: store, users: &countingUsers{users: store}, clock: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	if err := store.CreateSite(ctx, &parley.Site{ID: "news", Name: "News", AllowAnonymous: true, EditWindow: time.Minute, MaxBodyLength: 100, Origins: []string{}, CreatedAt: w.clock}); err != nil {
		t.Fatal(err)
	}
	token, hash := parley.NewCommenterToken()
	w.token, w.user = token, &parley.User{ID: parley.NewID(w.clock), SiteID: "news", Name: "Alice", TokenHash: hash, CreatedAt: w.clock}
	if err := store.CreateUser(ctx, w.user); err != nil {
		t.Fatal(err)
	}
	w.tokens = auth.NewCommenterTokens(w.users, func() time.Time { return w.clock })
	return w
}

// countingUsers counts the queries the token method makes.
type countingUsers struct {
	users auth.Users
	n     atomic.Int32
}

func (c *countingUsers) UserByTokenHash(ctx context.Context, hash string) (*parley.User, error) {
	c.n.Add(1)
	return c.users.UserByTokenHash(ctx, hash)
}

// seen is what the handler behind the middleware saw.
type seen struct {
	called bool
	actor  *parley.Actor
	origin string
	key    string // the refusal's key
}

// send passes a request with the given headers through the middleware and
// returns the status and what the handler behind it saw.
func send(a *auth.Authenticator, headers map[string]string) (int, seen) {
	var s seen
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s = seen{called: true, actor: parley.ActorFrom(r.Context()), origin: parley.OriginFrom(r.Context())}
	})
	refuse := func(w http.ResponseWriter, r *http.Request, err error) {
		s.origin, s.key = parley.OriginFrom(r.Context()), parley.ErrorKey(err)
		w.WriteHeader(web.Status(parley.ErrorCode(err)))
	}
	r := httptest.NewRequest("POST", "/x", nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	a.Middleware(next, refuse).ServeHTTP(rec, r)
	return rec.Code, s
}

// TestMiddleware: no credential is anonymous, a commenter token names its
// commenter, and every other credential is refused with 401 before the
// handler runs; a foreign browser origin reaches the context, ours does
// not, whatever the answer.
func TestMiddleware(t *testing.T) {
	w := newWorld(t)
	a := auth.New(own, w.tokens)
	unknown, _ := parley.NewCommenterToken()
	for _, tt := range []struct {
		name    string
		headers map[string]string
		status  int
		actor   bool
		origin  string
		key     string
	}{
		{"no credential", nil, 200, false, "", ""},
		{"commenter token", map[string]string{"Authorization": "Bearer " + w.token}, 200, true, "", ""},
		{"token with spaces", map[string]string{"Authorization": "Bearer   " + w.token + " "}, 200, true, "", ""},
		{"unknown token", map[string]string{"Authorization": "Bearer " + unknown}, 401, false, "", "tokenInvalid"},
		{"token cut short", map[string]string{"Authorization": "Bearer " + w.token[:30]}, 401, false, "", "tokenInvalid"},
		{"token of invalid UTF-8", map[string]string{"Authorization": "Bearer pct_" + string(make([]byte, 43))}, 401, false, "", "tokenInvalid"},
		{"credential no method knows", map[string]string{"Authorization": "Bearer nonsense"}, 401, false, "", "credentialInvalid"},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}, 401, false, "", "credentialInvalid"},
		{"not a bearer", map[string]string{"Authorization": "Basic YTpi"}, 401, false, "", "credentialMalformed"},
		{"foreign origin", map[string]string{"Origin": "https://evil.example"}, 200, false, "https://evil.example", ""},
		{"null origin", map[string]string{"Origin": "null"}, 200, false, "null", ""},
		{"our origin is first party", map[string]string{"Origin": "HTTPS://Parley.example"}, 200, false, "", ""},
		{"foreign origin with a token", map[string]string{"Origin": "https://news.example", "Authorization": "Bearer " + w.token}, 200, true, "https://news.example", ""},
		{"refused, the origin kept for the answer", map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer nonsense"}, 401, false, "https://evil.example", "credentialInvalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, s := send(a, tt.headers)
			if status != tt.status || s.called != (status == 200) {
				t.Fatalf("status %d, handler called %t; want %d", status, s.called, tt.status)
			}
			if s.key != tt.key {
				t.Errorf("refused with the key %q, want %q", s.key, tt.key)
			}
			if s.origin != tt.origin {
				t.Errorf("origin in the context %q, want %q", s.origin, tt.origin)
			}
			if (s.actor != nil) != tt.actor {
				t.Fatalf("actor %+v, want one: %t", s.actor, tt.actor)
			}
			if s.actor != nil {
				want := parley.Actor{SiteID: "news", Role: parley.RoleCommenter, Method: parley.MethodToken}
				if got := *s.actor; got.User == nil || got.User.ID != w.user.ID || got.User.Name != "Alice" || got.SiteID != want.SiteID || got.Role != want.Role || got.Method != want.Method {
					t.Errorf("actor %+v (user %+v), want %+v for %s", got, got.User, want, w.user.ID)
				}
			}
		})
	}
}

// TestMalformedTokensAskNothing: a token that cannot exist is refused
// without a query, so that a flood of garbage costs no database work.
func TestMalformedTokensAskNothing(t *testing.T) {
	w := newWorld(t)
	a := auth.New(own, w.tokens)
	for _, tok := range []string{"pct_", "pct_x", w.token + "x", w.token[:len(w.token)-1] + "!", "pct_" + string(make([]byte, 43)), "nonsense"} {
		if status, _ := send(a, map[string]string{"Authorization": "Bearer " + tok}); status != 401 {
			t.Errorf("token %q: %d, want 401", tok, status)
		}
	}
	if n := w.users.n.Load(); n != 0 {
		t.Errorf("malformed tokens made %d queries", n)
	}
}

// TestTokenCache: a returning commenter's user is read once per userTTL
// (on the injected clock), and no request can change what the next sees.
func TestTokenCache(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	first, err := w.tokens.Actor(ctx, w.token)
	if err != nil {
		t.Fatal(err)
	}
	first.User.Name = "Mallory"
	w.clock = w.clock.Add(59 * time.Second)
	second, err := w.tokens.Actor(ctx, w.token)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.users.n.Load(); n != 1 {
		t.Errorf("%d queries within the TTL, want 1", n)
	}
	if second.User.Name != "Alice" {
		t.Errorf("a change to one request's user reached the next: %q", second.User.Name)
	}
	w.clock = w.clock.Add(2 * time.Second)
	if _, err := w.tokens.Actor(ctx, w.token); err != nil {
		t.Fatal(err)
	}
	if n := w.users.n.Load(); n != 2 {
		t.Errorf("%d queries after the TTL, want 2", n)
	}
}

// TestTokenDuringOutage: when the database does not answer, a token is
// not called invalid (the widget forgets a token it is told is invalid):
// the answer is the store's unavailable.
func TestTokenDuringOutage(t *testing.T) {
	w := newWorld(t)
	w.store.Close()
	status, s := send(auth.New(own, w.tokens), map[string]string{"Authorization": "Bearer " + w.token})
	if status != 503 || s.called {
		t.Errorf("status %d, handler called %t; want 503 before the handler", status, s.called)
	}
}

// TestMethods: methods are asked in order, the first that claims a
// credential decides, and an error of a method that cannot check its
// credential now is passed on as it is.
func TestMethods(t *testing.T) {
	alice := &parley.Actor{User: &parley.User{ID: "alice"}, SiteID: "news", Role: parley.RoleStaff, Method: "session"}
	down := parley.Errorf(parley.EUNAVAILABLE, "down")
	sessions := method(func(r *http.Request) (*parley.Actor, bool, error) {
		switch tok, _ := auth.Bearer(r); tok {
		case "pss_alice":
			return alice, true, nil
		case "pss_down":
			return nil, false, down
		}
		return nil, false, nil
	})
	w := newWorld(t)
	a := auth.New(own, sessions, w.tokens)
	if _, s := send(a, map[string]string{"Authorization": "Bearer pss_alice"}); s.actor != alice {
		t.Errorf("session: %+v, want alice", s.actor)
	}
	if _, s := send(a, map[string]string{"Authorization": "Bearer " + w.token}); s.actor == nil || s.actor.Method != parley.MethodToken {
		t.Errorf("commenter token after a method that passes: %+v", s.actor)
	}
	if status, _ := send(a, map[string]string{"Authorization": "Bearer pss_down"}); status != 503 {
		t.Errorf("a method that cannot check: %d, want 503", status)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer pss_down")
	if _, err := a.Resolve(r); !errors.Is(err, down) {
		t.Errorf("Resolve: %v, want the method's error wrapped", err)
	}
}

// method adapts a function to auth.Method.
type method func(r *http.Request) (*parley.Actor, bool, error)

func (m method) Authenticate(ctx context.Context, r *http.Request) (*parley.Actor, bool, error) {
	return m(r)
}

// BenchmarkMiddleware measures what resolving a request costs a write:
// none is the handler alone (the baseline), anonymous passes the
// middleware without a credential, token resolves a commenter token from
// the cache, as for every write of a returning commenter within a minute.
// Compare the three as ratios of one run.
func BenchmarkMiddleware(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "p.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if err := store.CreateSite(ctx, &parley.Site{ID: "news", Name: "News", EditWindow: time.Minute, MaxBodyLength: 100, Origins: []string{}, CreatedAt: parley.Now()}); err != nil {
		b.Fatal(err)
	}
	token, hash := parley.NewCommenterToken()
	if err := store.CreateUser(ctx, &parley.User{ID: parley.NewID(time.Now()), SiteID: "news", Name: "Alice", TokenHash: hash, CreatedAt: parley.Now()}); err != nil {
		b.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && parley.ActorFrom(r.Context()) == nil {
			b.Fatal("no actor")
		}
	})
	refuse := func(w http.ResponseWriter, r *http.Request, err error) { b.Fatal(err) }
	wrapped := auth.New(own, auth.NewCommenterTokens(store, nil)).Middleware(next, refuse)
	for _, bb := range []struct {
		name    string
		handler http.Handler
		auth    string
	}{{"none", next, ""}, {"anonymous", wrapped, ""}, {"token", wrapped, "Bearer " + token}} {
		b.Run(bb.name, func(b *testing.B) {
			r := httptest.NewRequest("POST", "/x", nil)
			r.Header.Set("Origin", "https://news.example")
			if bb.auth != "" {
				r.Header.Set("Authorization", bb.auth)
			}
			w := httptest.NewRecorder()
			for b.Loop() {
				bb.handler.ServeHTTP(w, r)
			}
		})
	}
}
