package main

// A real OpenID Provider for the OIDC tests: zitadel/oidc's example
// provider (its op package with the example's in-memory storage and login
// form), served on 127.0.0.1 by the test. Test-only; never in the binary.

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// providerClient is the client Parley has at the test provider.
const (
	providerClient = "parley-web"
	providerSecret = "parley-client-secret"
	providerPass   = "verysecure"
)

// providerUsers is the provider's user directory. Its e-mails can change
// between sign-ins, as people's do.
type providerUsers struct {
	mu    sync.Mutex
	users map[string]*storage.User // by ID
}

func (u *providerUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	if p, ok := u.users[id]; ok {
		c := *p
		return &c
	}
	return nil
}

func (u *providerUsers) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.users {
		if p.Username == name {
			c := *p
			return &c
		}
	}
	return nil
}

func (u *providerUsers) ExampleClientID() string { return "unused" }

// setEmail changes a user's address at the provider.
func (u *providerUsers) setEmail(id, email string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.users[id].Email = email
}

// testProvider is a running provider.
type testProvider struct {
	Issuer string
	users  *providerUsers
}

// startProvider serves the example provider until the test ends, with
// Parley (at publicURL) as a confidential web client, and two users: ada
// (verified e-mail) and bob (unverified e-mail).
func startProvider(t *testing.T, publicURL string) *testProvider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	users := &providerUsers{users: map[string]*storage.User{
		"sub-ada": {ID: "sub-ada", Username: "ada", Password: providerPass, FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.org", EmailVerified: true},
		"sub-bob": {ID: "sub-bob", Username: "bob", Password: providerPass, FirstName: "Bob", LastName: "Builder", Email: "bob@example.org", EmailVerified: false},
	}}
	clients := map[string]*storage.Client{
		providerClient: storage.WebClient(providerClient, providerSecret, publicURL+"/auth/oidc/callback"),
	}
	router := exampleop.SetupServer(issuer, storage.NewStorageWithClients(users, clients), nil, false)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: router}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &testProvider{Issuer: issuer, users: users}
}

// signinFlow is one reader's browser, as far as the flow needs one: a
// cookie jar, and a client that stops at every redirect so that each hop
// can be checked.
type signinFlow struct {
	t      *testing.T
	client *http.Client
}

func newSigninFlow(t *testing.T) *signinFlow {
	jar, _ := cookiejar.New(nil)
	return &signinFlow{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches u and returns the response with its body read.
func (f *signinFlow) get(u string) (*http.Response, string) {
	f.t.Helper()
	resp, err := f.client.Get(u)
	if err != nil {
		f.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// follow goes along redirects from u, as a browser would, until a response
// that is not one, or until the next hop would leave for stop's host
// (whose URL it returns instead, not yet fetched).
func (f *signinFlow) follow(u, stop string) (resp *http.Response, body, next string) {
	f.t.Helper()
	for range 10 {
		resp, body = f.get(u)
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
			return resp, body, ""
		}
		ref, err := resp.Request.URL.Parse(loc)
		if err != nil {
			f.t.Fatalf("bad Location %q: %v", loc, err)
		}
		if s, _ := url.Parse(stop); s != nil && ref.Host == s.Host {
			return resp, body, ref.String()
		}
		u = ref.String()
	}
	f.t.Fatalf("more than 10 redirects from %s", u)
	return nil, "", ""
}

var loginIDPattern = regexp.MustCompile(`name="id" value="([^"]+)"`)

// login fills the provider's login form at authURL as user and returns the
// URL the provider sends the reader back to (Parley's callback).
func (f *signinFlow) login(authURL, user, parleyURL string) string {
	f.t.Helper()
	resp, body, _ := f.follow(authURL, parleyURL)
	m := loginIDPattern.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		f.t.Fatalf("provider login page: %s\n%.500s", resp.Status, body)
	}
	form := url.Values{"id": {m[1]}, "username": {user}, "password": {providerPass}}
	post, err := f.client.PostForm(resp.Request.URL.ResolveReference(&url.URL{Path: "/login/username"}).String(), form)
	if err != nil {
		f.t.Fatal(err)
	}
	post.Body.Close()
	loc, err := post.Request.URL.Parse(post.Header.Get("Location"))
	if err != nil || post.StatusCode != http.StatusFound {
		f.t.Fatalf("provider login: %s, Location %v", post.Status, loc)
	}
	_, _, back := f.follow(loc.String(), parleyURL)
	if back == "" {
		f.t.Fatalf("the provider did not send the reader back to %s", parleyURL)
	}
	return back
}

// signinResult is what the popup page hands its opener.
type signinResult struct {
	Origin  string `json:"origin"`
	Message struct {
		Type      string `json:"type"`
		Session   string `json:"session"`
		ExpiresAt string `json:"expiresAt"`
		User      *struct {
			ID     string   `json:"id"`
			Name   string   `json:"name"`
			Role   string   `json:"role"`
			Badges []string `json:"badges"`
		} `json:"user"`
		Error string `json:"error"`
	} `json:"message"`
}

var signinDataPattern = regexp.MustCompile(`<script type="application/json" id="parley-signin">(.*?)</script>`)

// pageResult reads the result out of a popup page.
func pageResult(t *testing.T, body string) signinResult {
	t.Helper()
	m := signinDataPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-in data in the page:\n%.800s", body)
	}
	var r signinResult
	if err := json.Unmarshal([]byte(m[1]), &r); err != nil {
		t.Fatalf("sign-in data %q: %v", m[1], err)
	}
	return r
}

// startURL is the popup's first URL, as the widget opens it.
func startURL(parleyURL, site, origin, lang string) string {
	return parleyURL + "/auth/oidc/start?" + url.Values{"site": {site}, "origin": {origin}, "lang": {lang}}.Encode()
}

// hasQuery reports whether u's query has key=want.
func hasQuery(u, key, want string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Query().Get(key) == want && strings.Contains(u, key+"=")
}
