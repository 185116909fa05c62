package main

// Helpers for the e-mail sign-in tests: Parley served in-process with a
// real outbox relay to a real SMTP server, a clock the tests move, and a
// client that follows no redirects, so that each step can be looked at.

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/outbox"
	"parley/internal/outbox/smtptest"
)

// testClock is a clock that only tests move.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// mailApp is Parley over a fresh SQLite file with the sites "news"
// (https://news.example) and "other" (https://other.example), relaying
// mail to a real SMTP server.
type mailApp struct {
	URL    string
	dsn    string
	store  parley.Store
	clock  *testClock
	relay  *outbox.Relay
	smtp   *smtptest.Server
	client *http.Client
}

// startMailApp serves newHandler; sendsMail says whether it sends mail.
func startMailApp(t *testing.T, sendsMail bool) *mailApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	store, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, s := range []*parley.Site{
		{ID: "news", Name: "Die Zeitung", Origins: []string{"https://news.example"}},
		{ID: "other", Name: "Other News", Origins: []string{"https://other.example"}},
	} {
		s.EditWindow, s.MaxBodyLength, s.CreatedAt = parley.DefaultEditWindow, parley.DefaultMaxBodyLength, parley.Now()
		if err := store.CreateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	app := &mailApp{URL: "http://" + srv.Listener.Addr().String(), dsn: dsn, store: store,
		clock: &testClock{now: parley.Now()}, smtp: smtptest.Start(t, false),
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, closeLive, err := newHandler(ctx, store, log, handlerConfig{PublicURL: app.URL, Mail: sendsMail, Now: app.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sender, err := outbox.ParseSMTPURL(app.smtp.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	app.relay, err = outbox.NewRelay(store, sender, outbox.Options{From: &mail.Address{Name: "Die Zeitung", Address: "noreply@news.example"},
		Host: "comments.news.example", Logger: log, Clock: app.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(func() { closeLive(); srv.Close() })
	return app
}

// do sends a request with the given headers ("Origin", …) and returns the
// response with its body read.
func (a *mailApp) do(t *testing.T, method, path string, body io.Reader, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// requestLink posts to /auth/email from the site's page.
func (a *mailApp) requestLink(t *testing.T, site, email, lang, ret string) (*http.Response, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "lang": lang, "return": ret})
	return a.do(t, "POST", "/api/v1/sites/"+site+"/auth/email", bytes.NewReader(body),
		"Content-Type", "application/json", "Origin", "https://"+site+".example")
}

// receivedMail is a sign-in mail as its reader sees it.
type receivedMail struct {
	To, Subject, Text, HTML, Link string
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/signin/email\?token=pel_[A-Za-z0-9_-]{43}`)

// nextMail relays what waits in the outbox and returns the next mail the
// SMTP server accepted, decoded, which must carry a sign-in link.
func (a *mailApp) nextMail(t *testing.T) receivedMail {
	t.Helper()
	m := a.relayedMail(t)
	m.Link = linkPattern.FindString(m.Text)
	if m.Link == "" {
		t.Fatalf("no sign-in link in the mail:\n%s", m.Text)
	}
	return m
}

// relayedMail relays what waits in the outbox and returns the next mail
// the SMTP server accepted, decoded.
func (a *mailApp) relayedMail(t *testing.T) receivedMail {
	t.Helper()
	if _, err := a.relay.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got smtptest.Received
	select {
	case got = <-a.smtp.Arrived:
	default:
		t.Fatal("no mail arrived at the SMTP server")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	m := receivedMail{To: got.To, Subject: subject}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // multipart decodes quoted-printable
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			m.HTML = string(b)
		} else {
			m.Text = string(b)
		}
	}
	return m
}

// noMail fails unless the outbox is empty.
func (a *mailApp) noMail(t *testing.T) {
	t.Helper()
	if n, err := a.relay.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("the outbox sent %d messages (%v), want none", n, err)
	}
}

// path returns a link's path and query, for a.do.
func path(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// useLink posts the sign-in page's form as the browser on Parley's own
// origin would.
func (a *mailApp) useLink(t *testing.T, link string) (*http.Response, string) {
	t.Helper()
	token := strings.TrimPrefix(link[strings.Index(link, "token="):], "token=")
	form := url.Values{"token": {token}}.Encode()
	return a.do(t, "POST", "/signin/email", strings.NewReader(form),
		"Content-Type", "application/x-www-form-urlencoded", "Origin", a.URL, "Sec-Fetch-Site", "same-origin")
}

// signedInJSON is the shared answer of every sign-in.
type signedInJSON struct {
	Session   string    `json:"session"`
	ExpiresAt time.Time `json:"expiresAt"`
	User      struct {
		ID     string   `json:"id"`
		Name   string   `json:"name"`
		Role   string   `json:"role"`
		Badges []string `json:"badges"`
	} `json:"user"`
}

// exchange posts a sign-in code from the site's page.
func (a *mailApp) exchange(t *testing.T, site, code string) (*http.Response, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"code": code})
	return a.do(t, "POST", "/api/v1/sites/"+site+"/auth/code", bytes.NewReader(body),
		"Content-Type", "application/json", "Origin", "https://"+site+".example")
}

// me returns /api/v1/me?site= for a session: the status and the role.
func (a *mailApp) me(t *testing.T, site, session string) (int, string) {
	t.Helper()
	res, body := a.do(t, "GET", "/api/v1/me?site="+site, nil, "Authorization", "Bearer "+session)
	var out struct {
		User struct{ Role, Name string } `json:"user"`
	}
	json.Unmarshal([]byte(body), &out)
	return res.StatusCode, out.User.Role
}

var pageSession = regexp.MustCompile(`data-session="([^"]+)"`)

// keptSession returns the session token a signed-in page keeps for
// Parley's own pages.
func keptSession(t *testing.T, page string) string {
	t.Helper()
	m := pageSession.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page keeps no session:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// signInByMail signs address in on site through the whole mail flow and
// returns the session.
func (a *mailApp) signInByMail(t *testing.T, site, address string) string {
	t.Helper()
	if res, body := a.requestLink(t, site, address, "en", "https://"+site+".example/story"); res.StatusCode != http.StatusAccepted {
		t.Fatalf("request link: %d %s", res.StatusCode, body)
	}
	res, body := a.useLink(t, a.nextMail(t).Link)
	loc := res.Header.Get("Location")
	_, code, ok := strings.Cut(loc, "#parley-code=")
	if res.StatusCode != http.StatusSeeOther || !ok {
		t.Fatalf("use link: %d Location %q\n%s", res.StatusCode, loc, body)
	}
	res, body = a.exchange(t, site, code)
	var in signedInJSON
	if err := json.Unmarshal([]byte(body), &in); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("exchange code: %d %s", res.StatusCode, body)
	}
	return in.Session
}
