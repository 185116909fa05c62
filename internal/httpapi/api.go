// Package httpapi is Parley's JSON API under /api/v1. It translates HTTP to
// service calls and back: one routes table, one adapter that writes errors,
// one place that maps error codes to statuses. It holds no rules of its own.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
	"parley/internal/i18n"
	"parley/internal/pagecache"
	"parley/internal/pow"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/web"
	"parley/internal/wire"
)

// maxRequestBody bounds every request body; larger ones get 413.
const maxRequestBody = 64 << 10

// Service is what the API needs of the service layer.
type Service interface {
	Ready(ctx context.Context) error
	Site(ctx context.Context, id string) (*parley.Site, error)
	Sites(ctx context.Context) ([]*parley.Site, error)
	Thread(ctx context.Context, q service.ThreadQuery) (*service.Thread, error)
	Replies(ctx context.Context, commentID string, limit int, cursor string) ([]*service.Node, string, error)
	Post(ctx context.Context, in service.NewComment) (*service.Posted, error)
	Edit(ctx context.Context, id, body string) (*service.Own, error)
	Delete(ctx context.Context, id string) error
	React(ctx context.Context, commentID string) (*service.Reacted, error)
	Unreact(ctx context.Context, commentID string) (*service.Reacted, error)
	Report(ctx context.Context, in service.NewReport) (*parley.Report, error)
	Counts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error)
	MyState(ctx context.Context, siteID, storyID string) (*service.State, error)
	StoryState(ctx context.Context, siteID, storyID string) (*parley.Story, error)
	ExchangeSSO(ctx context.Context, siteID, token string) (*service.SignedIn, error)
	SignOut(ctx context.Context, siteID string, everywhere bool) error
	Me(ctx context.Context, siteID string) (*parley.User, error)
	PasskeyService
	RequestEmailLink(ctx context.Context, in service.EmailLinkRequest) error
	ExchangeSignInCode(ctx context.Context, siteID, code string) (*service.SignedIn, error)
	Notifications(ctx context.Context, siteID string) (*service.NotificationState, error)
	SetNotifications(ctx context.Context, siteID string, c service.NotificationChoice) (*service.NotificationState, error)
	MyComments(ctx context.Context, siteID, cursor string, limit int) ([]service.MyComment, string, error)
	MyData(ctx context.Context, siteID string) (*service.MyData, error)
	EraseMe(ctx context.Context, siteID, confirm string) error
	SignInMethods(ctx context.Context, siteID string) (*service.SignInMethods, error)
	InboxService
	WebhookService
	AdminService  // the moderators' routes (admin.go)
	NoticeService // notices and complaints (notice.go)
}

// Live is what the event stream needs of the live hub (realtime.Hub).
type Live interface {
	Subscribe(ctx context.Context, siteID, storyID string) (*realtime.Subscriber, error)
	Unsubscribe(sub *realtime.Subscriber)
	Replay(ctx context.Context, siteID, storyID string, after int64, fn func(realtime.Message)) error
	Done() <-chan struct{}
	// Track registers a stream that outlives its handler (events_detach.go).
	Track() (done func())
}

// Deps are the parts the API serves from but does not own: whoever
// creates them closes them. Each keeps itself current from the bus.
type Deps struct {
	Auth Authenticator // who is asking, for the routes that act for someone
	Live Live          // live streams and their replay
	// Pages holds the public thread pages. It is the concrete cache, not
	// an interface: through an interface the loader closure of every
	// cache hit escapes to the heap (one allocation more on page 1).
	Pages *pagecache.Cache
	Bus   parley.Bus // site changes refresh the allowed origins
}

// Authenticator resolves a request into who is asking (internal/auth):
// the routes that act for the caller run behind its middleware, which
// answers a refused credential with refuse.
type Authenticator interface {
	Middleware(next http.Handler, refuse func(http.ResponseWriter, *http.Request, error)) http.Handler
}

// API serves the JSON API. Create it with New.
type API struct {
	svc     Service
	authn   Authenticator
	hub     Live
	pages   *pagecache.Cache
	log     *slog.Logger
	origins *originSet
	refused *refusedOrigins
	mux     *http.ServeMux

	// Per-client limits of the sign-in routes that write a row for
	// whoever asks, one for each (see email.go and passkey.go).
	emailClients, passkeyClients, registerClients *web.ClientLimits
	// noticeClients limits the notices of illegal content per client (notice.go).
	noticeClients *web.ClientLimits

	openAPIPage *pagecache.Page

	// publicOrigin is Parley's own origin (scheme://host), whose pages
	// call the API as first party; "" when none was configured.
	publicOrigin string
	// requestTimeout bounds a request's wait for the database; 0: none
	// (see WithRequestTimeout).
	requestTimeout time.Duration

	// draining reports that the server is shutting down (health.go).
	draining func() bool
	// streams bounds the live streams per client address (streams.go);
	// nil: no bound.
	streams *streamSlots
}

// Option configures an API.
type Option func(*API)

// WithPublicOrigin names Parley's own origin, as browsers send it in
// Origin: requests from it are first party. Without it every Origin header
// is treated as foreign, never compared with the forgeable Host header.
func WithPublicOrigin(origin string) Option { return func(a *API) { a.publicOrigin = origin } }

// New returns the API over svc, serving thread pages from d.Pages and live
// streams from d.Live. Close it to stop listening to d.Bus.
func New(svc Service, d Deps, log *slog.Logger, opts ...Option) (*API, error) {
	origins, err := newOriginSet(svc, d.Bus)
	if err != nil {
		return nil, err
	}
	a := &API{svc: svc, authn: d.Auth, hub: d.Live, pages: d.Pages, log: log, origins: origins, refused: newRefusedOrigins(log, maxRefusedOrigins),
		emailClients:    web.NewClientLimits(emailBurst, emailEvery, maxLimitedClients),
		passkeyClients:  web.NewClientLimits(passkeyBurst, passkeyEvery, maxLimitedClients),
		registerClients: web.NewClientLimits(passkeyBurst, passkeyEvery, maxLimitedClients),
		noticeClients:   web.NewClientLimits(noticeBurst, noticeEvery, maxLimitedClients),
		openAPIPage:     pagecache.NewPage(openAPIDocument),
	}
	for _, opt := range opts {
		opt(a)
	}
	a.mux = http.NewServeMux()
	a.Register(a.mux)
	return a, nil
}

// Register puts the API's routes on mux: a server that serves other
// surfaces too registers them on its own mux, so that a request is routed
// once rather than once there and again here (a route lookup is a tenth
// of what a cached page 1 costs). Each route answers CORS itself.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern, a.adapt(rt))
	}
}

// Close stops the API listening to the bus. The live streams end when
// their hub closes.
func (a *API) Close() { a.origins.close() }

// ServeHTTP routes the request on the API's own mux, for a server that
// serves nothing else (see Register).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// route is one row of the routes table.
type route struct {
	pattern string
	handle  func(w http.ResponseWriter, r *http.Request) error
	auth    bool // resolve the caller's credential (public reads ignore it)
}

func (a *API) routes() []route {
	return append([]route{
		{"GET /healthz", a.health, false},
		{"GET /readyz", a.ready, false},
		{"GET /api/openapi.json", a.openAPI, false},
		{ThreadRoute, a.thread, false},
		{"POST /api/v1/sites/{site}/stories/{story}/comments", a.post, true},
		{"GET /api/v1/comments/{id}/replies", a.replies, false},
		{"PATCH /api/v1/comments/{id}", a.edit, true},
		{"DELETE /api/v1/comments/{id}", a.delete, true},
		{"PUT /api/v1/comments/{id}/reaction", a.react, true},
		{"DELETE /api/v1/comments/{id}/reaction", a.unreact, true},
		{"POST /api/v1/comments/{id}/reports", a.report, true},
		{"GET /api/v1/sites/{site}/stories/{story}/events", a.events, false},
		{"GET /api/v1/sites/{site}/counts", a.counts, false},
		{"GET /api/v1/me/state", a.state, true},
		{"GET /api/v1/me", a.me, true},
		{"POST /api/v1/sites/{site}/auth/sso", a.sso, true},
		{"POST /api/v1/sites/{site}/auth/signout", a.signOut, true},
		{"POST /api/v1/sites/{site}/auth/passkey/register/options", a.passkeyRegisterOptions, true},
		{"POST /api/v1/sites/{site}/auth/passkey/register", a.passkeyRegister, true},
		{"POST /api/v1/sites/{site}/auth/passkey/signin/options", a.passkeySignInOptions, true},
		{"POST /api/v1/sites/{site}/auth/passkey/signin", a.passkeySignIn, true},
		{"GET /api/v1/sites/{site}/me/passkeys", a.myPasskeys, true},
		{"DELETE /api/v1/sites/{site}/me/passkeys/{id}", a.deleteMyPasskey, true},
		{"POST /api/v1/sites/{site}/auth/email", a.emailLink, true},
		{"POST /api/v1/sites/{site}/auth/code", a.signInCode, true},
		{"GET /api/v1/sites/{site}/me/notifications", a.notifications, true},
		{"PUT /api/v1/sites/{site}/me/notifications", a.setNotifications, true},
		{"GET /api/v1/sites/{site}/me/comments", a.myComments, true},
		{"GET /api/v1/sites/{site}/me/data", a.myData, true},
		{"DELETE /api/v1/sites/{site}/me", a.eraseMe, true},
		{"GET /api/v1/sites/{site}/auth", a.signInMethods, false},
		{"GET /api/v1/sites/{site}/inbox", a.inbox, true},
		{"GET /api/v1/sites/{site}/inbox/unread", a.inboxUnread, true},
		{"POST /api/v1/sites/{site}/inbox/read", a.inboxRead, true},
		{"GET /api/v1/admin/sites/{site}/webhooks", a.webhooks, true},
		{"POST /api/v1/admin/sites/{site}/webhooks", a.addWebhook, true},
		{"DELETE /api/v1/admin/sites/{site}/webhooks/{id}", a.removeWebhook, true},
		{"POST /api/v1/admin/sites/{site}/webhooks/{id}/rotate", a.rotateWebhook, true},
		{"GET /api/v1/admin/sites/{site}/webhooks/{id}/deliveries", a.webhookDeliveries, true},
		{"POST /api/v1/admin/sites/{site}/deliveries/{delivery}/redeliver", a.redeliver, true},
		// Digital Services Act: notices, their queue, complaints (notice.go, complaint.go).
		{"POST /api/v1/comments/{id}/notices", a.fileNotice, true},
		{"GET /api/v1/admin/sites/{site}/notices", a.notices, true},
		{"POST /api/v1/admin/sites/{site}/notices/{ref}/review", a.reviewNotice, true},
		{"POST /api/v1/admin/sites/{site}/notices/{ref}/decision", a.decideNotice, true},
		{"GET /api/v1/decisions/{entryID}/statement", a.statement, true},
		{"POST /api/v1/decisions/{entryID}/complaints", a.complain, true},
		{"GET /api/v1/admin/sites/{site}/complaints", a.complaints, true},
		{"POST /api/v1/admin/sites/{site}/complaints/{ref}/decision", a.decideComplaint, true},
		// Any method under /api/ that no route above takes, preflights
		// (OPTIONS) included: adapt answers those by CORS, the rest 404.
		{"/api/", a.notFound, false},
	}, a.adminRoutes()...)
}

// adapt turns a handler that returns an error into an http.Handler that
// answers CORS first and then writes that error as JSON, behind the
// authentication middleware when the route acts for the caller.
func (a *API) adapt(rt route) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rt.handle(w, r); err != nil {
			a.Error(w, r, err)
		}
	})
	if rt.auth {
		h = a.authn.Middleware(h, a.Error)
	}
	return a.bound(rt.pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.cors(w, r) {
			h.ServeHTTP(w, r)
		}
	}))
}

// Error writes err as {"error":{"code","message"}} with the code's status.
// Internal errors are logged and shown only as a generic message.
//
// The message speaks the language the client asks for with ?lang= or
// Accept-Language; in English it keeps the service's precise wording.
// Key, when set, names the situation for clients with their own catalogs.
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	switch parley.ErrorCode(err) {
	case parley.EINTERNAL:
		if web.ClientGone(r) {
			a.log.DebugContext(r.Context(), "request abandoned by the client", "method", r.Method, "path", r.URL.Path, "err", err)
			break
		}
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case parley.EUNAVAILABLE:
		a.log.WarnContext(r.Context(), "request refused: unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, r, err)
}

// errBusy is the refusal of a connection over the listener's limits.
var errBusy = parley.Errorf(parley.EUNAVAILABLE, "The server holds as many connections as it may; try again in a moment.")

// Busy answers a request on a connection the listener refused
// (internal/netlimit): 503 unavailable with Retry-After, in the client's
// language, on any path. It logs nothing: under a flood of connections the
// listener warns once a minute instead of once a request.
func (a *API) Busy(w http.ResponseWriter, r *http.Request) { writeError(w, r, errBusy) }

// writeError writes err as Error does, without logging it.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg, key := parley.ErrorCode(err), parley.ErrorMessage(err), parley.ErrorKey(err)
	if p := i18n.For(requestLang(r)); p.Lang() != i18n.Fallback {
		msg = p.Error(code, key)
	}
	status := web.Status(code)
	web.ErrorHeaders(w.Header(), code)
	web.LimitHeaders(w.Header(), err)
	body := errorJSON{Code: code, Message: msg, Key: key, Until: wire.FormatTime(parley.SuspendedUntil(err))}
	pipelineDetails(&body, err, i18n.For(requestLang(r)))
	writeJSON(w, status, map[string]errorJSON{"error": body})
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Key     string `json:"key,omitempty"`
	// The pipeline's refusals (pipeline.go): the challenge of a 428
	// proofRequired, the reasons of a 422 nudge.
	Challenge *pow.Challenge `json:"challenge,omitempty"`
	Reasons   []nudgeReason  `json:"reasons,omitempty"`
	// Until is the end of the suspension that a refusal with key
	// suspended is for, so that a client can say when in its own words.
	Until string `json:"until,omitempty"`
}

// requestLang is the language a client asks for: ?lang=, else the first
// Accept-Language with a catalog, else "" (English).
func requestLang(r *http.Request) string {
	if lang := r.URL.Query().Get("lang"); lang != "" {
		return lang
	}
	return i18n.FromHeader(r.Header.Get("Accept-Language"))
}

// writeJSON writes a private response: personal or about a change, so no
// cache may keep it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	writeBody(w, v)
}

func writeBody(w http.ResponseWriter, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decode reads a JSON request body into v: at most 64 KiB, valid UTF-8,
// exactly one object, no unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return parley.Errorf(parley.EINVALID, "Send the request body as application/json.")
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return parley.Errorf(parley.ETOOLARGE, "The request body is larger than %d bytes.", maxRequestBody)
	}
	if err != nil {
		return parley.Errorf(parley.EINVALID, "The request body could not be read.")
	}
	if !utf8.Valid(raw) {
		return parley.Errorf(parley.EINVALID, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return parley.Errorf(parley.EINVALID, "The request body is not valid JSON for this call: %s.", jsonProblem(err))
	}
	if dec.More() {
		return parley.Errorf(parley.EINVALID, "The request body holds more than one JSON value.")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing Go type names.
func jsonProblem(err error) string {
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return "field " + e.Field + " has the wrong type"
	}
	if errors.Is(err, io.EOF) {
		return "it is empty"
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "malformed JSON"
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) error {
	return parley.Errorf(parley.ENOTFOUND, "There is no API endpoint %s %s.", r.Method, r.URL.Path)
}
