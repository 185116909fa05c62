package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/embed"
	"parley/internal/httpapi"
	"parley/internal/markup"
	"parley/internal/pagecache"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
	"parley/internal/web"
)

// stack is the whole of Parley on a real database (a SQLite file, or a
// fresh PostgreSQL schema) behind a real HTTP server, with a clock the test
// moves.
type stack struct {
	t       testing.TB
	URL     string
	store   parley.Store
	svc     *service.Service
	handler http.Handler
	api     *httpapi.API
	hub     *realtime.Hub
	bus     *mutableBus

	clk *testClock

	ids    map[string]string // fixture name -> comment ID
	tokens map[string]string // fixture name -> commenter token
}

// backend opens a fresh, empty store for one test.
type backend func(t testing.TB) parley.Store

// onSQLite opens a store on a new SQLite file.
func onSQLite(t testing.TB) parley.Store {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// onPostgres returns a backend that opens each store in a fresh schema of
// the database at db (from pgtest.URL), which is far cheaper than a
// database per test. Commits do not wait for the disk: these tests are
// about answers, not durability, and waiting would triple their time.
func onPostgres(db string) backend {
	return func(t testing.TB) parley.Store {
		t.Helper()
		store, err := postgres.Open(context.Background(), pgtest.SchemaURL(t, db)+"&synchronous_commit=off")
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		return store
	}
}

// onBackends runs fn once per backend, each in a subtest named after it.
// PostgreSQL is skipped loudly when it does not answer, and fails the
// test under CI=true (see pgtest).
func onBackends(t *testing.T, fn func(t *testing.T, open backend)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, onSQLite) })
	t.Run("postgres", func(t *testing.T) { fn(t, onPostgres(pgtest.URL(t))) })
}

// formKey signs the block's form tokens in every stack.
var formKey = []byte("0123456789abcdef0123456789abcdef")

// newStackOn is newStack on a store the caller opened (and closes).
func newStackOn(t testing.TB, store parley.Store) *stack {
	return newStack(t, func(testing.TB) parley.Store { return store })
}

func newStack(t testing.TB, open backend) *stack {
	t.Helper()
	store := open(t)
	s := &stack{t: t, store: store, clk: &testClock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}, ids: map[string]string{}, tokens: map[string]string{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// As in main, the bus is the only link from the service to the page
	// cache, the live hub and the allowed origins.
	bus := &mutableBus{Bus: realtime.NewBus()}
	s.svc = service.New(store, markup.New(), bus, log, service.WithClock(s.clock), service.WithSSO(auth.NewSSO(auth.NewJWKS(nil, s.clock), s.clock)),
		service.WithSignInLinks(service.SignInLinks{PublicURL: publicOrigin, Mail: true, Return: func(*parley.Site, string) (string, bool) { return "", false }}))
	pages, err := pagecache.New(pagecache.DefaultSize, bus, pagecache.WithClock(s.clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pages.Close)
	// The hub never polls within a test: live events come by the bus.
	hub, err := realtime.New(store, realtime.Renderer(s.svc), bus, log, realtime.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	tokens := auth.NewCommenterTokens(store, s.clock)
	unfollow, err := tokens.Follow(bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unfollow)
	authn := auth.New(publicOrigin, tokens, auth.NewSessions(store, s.svc, s.clock))
	api, err := httpapi.New(s.svc, httpapi.Deps{Auth: authn, Live: hub, Pages: pages, Bus: bus}, log, httpapi.WithPublicOrigin(publicOrigin),
		httpapi.WithLiveLimit(liveLimit, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Close)
	// The block shares the stack, so that scenarios cover its routes too.
	mux := http.NewServeMux()
	embed.New(s.svc, log, embed.Config{Auth: authn, PublicURL: publicOrigin, FormKey: formKey, Now: s.clock}).Register(mux)
	mux.Handle("/", api)
	// The stack's own client is a trusted proxy, so that a test may speak
	// for many clients with X-Forwarded-For (the limits count clients).
	handler := web.WithClientAddress(mux, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	s.handler, s.api, s.hub, s.bus = handler, api, hub, bus
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// testClock is the time the stack's service sees.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (s *stack) clock() time.Time {
	s.clk.mu.Lock()
	defer s.clk.mu.Unlock()
	return s.clk.now
}

// advance moves the clock forward.
func (s *stack) advance(d time.Duration) {
	s.clk.mu.Lock()
	s.clk.now = s.clk.now.Add(d)
	s.clk.mu.Unlock()
}

// MustSite creates a site through the service.
func (s *stack) MustSite(site *parley.Site) {
	s.t.Helper()
	if err := s.svc.CreateSite(context.Background(), site); err != nil {
		s.t.Fatalf("create site %s: %v", site.ID, err)
	}
}

// MustPost posts a comment over HTTP as the named commenter (creating them
// on their first post) and remembers its ID under name.
func (s *stack) MustPost(name, as, site, story, parent, body string) {
	s.t.Helper()
	req := map[string]any{"body": body, "author": map[string]string{"name": as}}
	if parent != "" {
		req["parentId"] = s.ids[parent]
	}
	raw, _ := json.Marshal(req)
	resp := s.do(http.MethodPost, "/api/v1/sites/"+site+"/stories/"+story+"/comments", string(raw), as)
	if resp.status != http.StatusCreated {
		s.t.Fatalf("post %s: %d %s", name, resp.status, resp.body)
	}
	var out struct {
		Comment struct{ ID string }
		Token   string `json:"commenterToken"`
	}
	if err := json.Unmarshal([]byte(resp.body), &out); err != nil {
		s.t.Fatalf("post %s: %v", name, err)
	}
	s.ids[name] = out.Comment.ID
	if out.Token != "" {
		s.tokens[as] = out.Token
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request, as the named commenter if as is not "", with extra
// headers given as "Key: Value".
// publicOrigin is the stack's configured own origin, which differs from
// the test server's address on purpose: the API must never take the Host
// header for its own origin.
const publicOrigin = "https://parley.example"

func (s *stack) do(method, path, body, as string, headers ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := s.tokens[as]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// formPost sends the block's plain HTML form: a post that would succeed,
// with the given fields replaced. Whatever else a valid form post needs
// (a CSRF token, say) belongs here, so that form scenarios stay about the
// fields they change.
func (s *stack) formPost(path string, fields url.Values) response {
	s.t.Helper()
	form := url.Values{"body": {"Aus dem Formular."}, "name": {"Frida"}, "lang": {"de"}}
	if site, rest, ok := strings.Cut(strings.TrimPrefix(path, "/embed/"), "/stories/"); ok {
		story, _ := url.PathUnescape(strings.TrimSuffix(rest, "/comments"))
		site, _ = url.PathUnescape(site)
		form.Set("token", embed.FormToken(formKey, site, story, s.clock()))
	}
	for k, v := range fields {
		form[k] = v
	}
	return s.do(http.MethodPost, path, form.Encode(), "", "Content-Type: application/x-www-form-urlencoded", "Origin: "+publicOrigin)
}

// expand replaces {name} with fixture comment IDs.
func (s *stack) expand(text string) string {
	for name, id := range s.ids {
		text = strings.ReplaceAll(text, "{"+name+"}", id)
	}
	return text
}

// highLimit is the posting limit of the stacks' sites: scenarios post
// many comments from the stack's one address on a frozen clock, which the
// default limit (5 a minute) would refuse; the limit's own scenarios
// (ratelimit_test.go) set theirs. Not Off, which would skip the duplicate
// check too.
var highLimit = parley.RateLimit{Posts: 1_000_000, Per: time.Second}

// fixtures builds the world most scenarios start from:
//   - site news (anonymous posting, origin https://news.example) with
//     story s1: c1 by Alice, r1 by Bob replying to it; story s2: c2 by
//     Carol; story shut: x1 by Alice, then closed;
//   - site members, which allows no anonymous posting;
//   - site elsewhere (anonymous posting, origin https://elsewhere.example)
//     with story s1: d1 by Olga.
func fixtures(t testing.TB, open backend) *stack {
	s := newStack(t, open)
	s.MustSite(&parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"}, AllowAnonymous: true, RateLimit: highLimit})
	s.MustSite(&parley.Site{ID: "members", Name: "Members", SSO: parley.SSO{Secrets: []parley.SSOSecret{{KID: "k1", Secret: ssoSecret}}}, RateLimit: highLimit})
	s.MustSite(&parley.Site{ID: "elsewhere", Name: "Elsewhere", Origins: []string{"https://elsewhere.example"}, AllowAnonymous: true, RateLimit: highLimit})
	s.MustPost("c1", "Alice", "news", "s1", "", "Erster Kommentar mit *Betonung*.")
	s.MustPost("r1", "Bob", "news", "s1", "c1", "Eine Antwort.")
	s.MustPost("c2", "Carol", "news", "s2", "", "Anderswo.")
	s.MustPost("x1", "Alice", "news", "shut", "", "Bevor geschlossen wurde.")
	if _, err := s.svc.SetStoryStatus(context.Background(), "news", "shut", parley.StoryClosed); err != nil {
		t.Fatal(err)
	}
	s.MustPost("d1", "Olga", "elsewhere", "s1", "", "Auf einer anderen Website.") // last: event IDs of news stay as they were
	return s
}
