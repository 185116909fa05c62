// Package admin is the moderator UI at /admin: server-rendered pages
// (html/template) for the queues, a comment's reasons and reports, a
// user's history, notes and sanctions, the word lists and the audit log,
// in the staff member's language.
//
// The model: every page works as plain HTML forms (POST with a CSRF token,
// answered by 303 back to the page), and one small script makes it a
// keyboard-driven desk (j/k, a, r, f, b, u, /, ?), sends the forms with
// fetch and keeps the queue live over server-sent events from the bus.
//
// Who may see what is not decided here. A request carries its staff
// member's session in an HttpOnly, SameSite=Strict cookie (one session
// per site, since a person is one user per site); the handler resolves
// it into a parley.Actor and calls the service, whose authorize step
// refuses anyone below moderator and anyone of another site on every
// call. The handlers only choose which call to make and how to show its
// answer.
package admin

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"parley"
	"parley/internal/service"
	"parley/internal/web"
)

// Service is what the UI needs of the service layer. Every method that
// reads or changes moderation state authorizes the actor in its context.
type Service interface {
	Site(ctx context.Context, id string) (*parley.Site, error)
	RequestEmailLink(ctx context.Context, in service.EmailLinkRequest) error
	ExchangeSignInCode(ctx context.Context, siteID, code string) (*service.SignedIn, error)
	SignOut(ctx context.Context, siteID string, everywhere bool) error
	Moderation
}

// Sessions turns a session token into the actor it signs in, as the
// API's session method does (auth.Sessions).
type Sessions interface {
	Actor(ctx context.Context, token string) (*parley.Actor, error)
}

// Config is what the UI needs to know of where it runs.
type Config struct {
	// PublicURL is where browsers reach Parley (config.NormalizePublicURL).
	// Every absolute URL the UI writes starts with it, and its origin is the
	// only one whose form posts are accepted; an https URL makes the cookies
	// Secure and __Host- prefixed.
	PublicURL string
	// Sessions resolves the cookie's session tokens.
	Sessions Sessions
	// Key signs the CSRF tokens (Store.Key); at least 32 bytes, the same on
	// every instance.
	Key []byte
	// Bus carries the changes that keep the queue live.
	Bus parley.Bus
	// Mail says whether this server sends mail, so that the sign-in page
	// offers e-mail links only where they can arrive.
	Mail bool
	// Words manages the sites' word lists; nil leaves the page saying that
	// this server has none.
	Words WordLists
	// Webhooks manages the sites' webhook endpoints; nil leaves their
	// pages out of the desk.
	Webhooks Webhooks
	// Settings reads and changes the sites' pre-moderation rules; nil
	// leaves the page saying that this server has none here.
	Settings Settings
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// The limit on sign-in links per client: 5 at once, then one every 20 s,
// for at most 10,000 clients (as the API's).
const (
	linkBurst         = 5
	linkEvery         = 20 * time.Second
	maxLimitedClients = 10000
)

// Admin serves the moderator UI.
type Admin struct {
	svc      Service
	sessions Sessions
	bus      parley.Bus
	log      *slog.Logger
	tmpl     *template.Template
	csrf     csrf
	cookies  cookies
	mail     bool
	lists    WordLists
	hooks    Webhooks
	rules    Settings
	now      func() time.Time

	// links counts the sign-in links each client asks for, as the API's
	// e-mail sign-in does: the address limit alone would let one client
	// mail every address it can think of.
	links *web.ClientLimits

	stop      chan struct{} // closed by Close: the live streams end
	closeOnce sync.Once

	publicURL string // without a trailing slash
	origin    string // scheme://host[:port] of publicURL
	host      string // the host name of publicURL, without port
}

// New returns the UI over svc. It panics on a wiring mistake (no public
// URL, a short key, no sessions), which must not reach a moderator.
func New(svc Service, log *slog.Logger, cfg Config) *Admin {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		panic(fmt.Sprintf("admin: public URL %q is not an absolute http(s) URL", cfg.PublicURL))
	}
	if len(cfg.Key) < 32 {
		panic("admin: the CSRF key must be at least 32 bytes")
	}
	if cfg.Sessions == nil || cfg.Bus == nil {
		panic("admin: no sessions or no bus")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	https := u.Scheme == "https"
	return &Admin{
		svc: svc, sessions: cfg.Sessions, bus: cfg.Bus, log: log, tmpl: parseTemplates(),
		csrf: csrf{key: cfg.Key}, cookies: newCookies(https), mail: cfg.Mail, lists: cfg.Words, hooks: cfg.Webhooks, rules: cfg.Settings,
		now: now, stop: make(chan struct{}),
		links:     web.NewClientLimits(linkBurst, linkEvery, maxLimitedClients),
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), origin: u.Scheme + "://" + u.Host, host: u.Hostname(),
	}
}

// Close ends the live streams, for shutdown: they never go idle by
// themselves.
func (a *Admin) Close() { a.closeOnce.Do(func() { close(a.stop) }) }

// Register adds the UI's routes to mux, all under /admin.
func (a *Admin) Register(mux *http.ServeMux) {
	mux.Handle("GET /admin/static/", static())
	mux.HandleFunc("GET /admin", a.page(a.home))
	mux.HandleFunc("GET /admin/{$}", a.page(a.home))
	mux.HandleFunc("GET /admin/lang", a.setLang)
	mux.HandleFunc("GET /admin/signin", a.page(a.signIn))
	mux.HandleFunc("POST /admin/signin/email", a.post(a.emailLink))
	mux.HandleFunc("GET /admin/signin/done", a.page(a.linkDone))
	mux.HandleFunc("POST /admin/session", a.post(a.keepSession))
	a.registerDesk(mux)
}

// registerDesk adds the pages of one site's desk, each behind the staff
// member's session of that site.
func (a *Admin) registerDesk(mux *http.ServeMux) {
	for _, r := range []struct {
		pattern string
		h       func(w http.ResponseWriter, r *http.Request, d *desk) error
	}{
		{"POST /admin/sites/{site}/signout", a.signOut},
		{"GET /admin/sites/{site}", a.queue},
		{"GET /admin/sites/{site}/{$}", a.queue},
		{"GET /admin/sites/{site}/items", a.items},
		{"GET /admin/sites/{site}/events", a.live},
		{"POST /admin/sites/{site}/decisions", a.decide},
		{"POST /admin/sites/{site}/undo", a.undo},
		{"GET /admin/sites/{site}/users/{user}", a.user},
		{"POST /admin/sites/{site}/users/{user}/notes", a.addNote},
		{"POST /admin/sites/{site}/users/{user}/sanctions", a.sanction},
		{"POST /admin/sites/{site}/stories/{story}/open", a.storyOpen},
		{"GET /admin/sites/{site}/audit", a.audit},
		{"GET /admin/sites/{site}/audit.csv", a.auditCSV},
		{"GET /admin/sites/{site}/words", a.words},
		{"POST /admin/sites/{site}/words", a.changeWords},
		{"GET /admin/sites/{site}/webhooks", a.webhooks},
		{"POST /admin/sites/{site}/webhooks", a.addWebhook},
		{"GET /admin/sites/{site}/webhooks/{hook}", a.deliveries},
		{"POST /admin/sites/{site}/webhooks/{hook}/rotate", a.rotateWebhook},
		{"GET /admin/sites/{site}/webhooks/{hook}/remove", a.confirmRemove},
		{"POST /admin/sites/{site}/webhooks/{hook}/remove", a.removeWebhook},
		{"POST /admin/sites/{site}/webhooks/{hook}/redeliver", a.redeliver},
		{"GET /admin/sites/{site}/settings", a.settings},
		{"POST /admin/sites/{site}/settings", a.changeSettings},
		{"POST /admin/sites/{site}/stories/{story}/rule", a.storyRule},
	} {
		mux.Handle(r.pattern, a.staff(r.h))
	}
}
