// Package embed renders the discussion block as server-side HTML: the
// fragment a publisher includes under an article for search engines and for
// readers without JavaScript, with a post form that works as a plain HTML
// form. Its chrome speaks the article's language.
package embed

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Service is what the block needs of the service layer.
type Service interface {
	Site(ctx context.Context, id string) (*parley.Site, error)
	Comment(ctx context.Context, id string) (*parley.Comment, error)
	Thread(ctx context.Context, q service.ThreadQuery) (*service.Thread, error)
	StoryState(ctx context.Context, siteID, storyID string) (*parley.Story, error)
	Replies(ctx context.Context, commentID string, limit int, cursor string) ([]*service.Node, string, error)
	Post(ctx context.Context, in service.NewComment) (*service.Posted, error)
	Unsubscribe(ctx context.Context, token, list string, apply bool) (lang string, err error)
	FileNotice(ctx context.Context, in service.NewNotice) (*service.FiledNotice, error)
}

// Authenticator resolves a request into who is asking (internal/auth);
// the form's posts run behind its middleware, which answers a refused
// credential with refuse.
type Authenticator interface {
	Middleware(next http.Handler, refuse func(http.ResponseWriter, *http.Request, error)) http.Handler
}

// Config is what the block needs to know of where it runs.
type Config struct {
	// Auth resolves who posts the form and from which origin, as for the
	// JSON API.
	Auth Authenticator
	// PublicURL is where browsers reach Parley (config.NormalizePublicURL):
	// every absolute URL the block writes starts with it, and its origin is
	// the one origin besides the site's that may post the form. Nothing is
	// ever built from the request's Host header, which anyone can forge.
	PublicURL string
	// FormKey signs the form's tokens; every instance must have the same
	// one (Store.Key), and it must be at least 32 bytes.
	FormKey []byte
	// Now is the clock for form tokens; nil means time.Now.
	Now func() time.Time
	// OIDC serves the OIDC sign-in popup; nil: its pages say it is off.
	OIDC OIDCService
	// TrustedProxies name the proxies whose X-Forwarded-For gives the
	// client address of the OIDC start, a GET that web.WithClientAddress
	// leaves alone but whose flows are limited per client.
	TrustedProxies []netip.Prefix
}

// Block renders the discussion block and takes posts from its form.
type Block struct {
	svc       Service
	auth      Authenticator
	log       *slog.Logger
	tmpl      *template.Template
	publicURL string   // cfg.PublicURL
	public    *url.URL // publicURL parsed
	origin    string   // scheme://host of publicURL
	tokens    formTokens
	oidc      OIDCService // cfg.OIDC

	// limits counts the OIDC sign-ins each client starts (see oidc.go).
	limits *web.ClientLimits
	// trusted is cfg.TrustedProxies, for the client address of the OIDC start.
	trusted []netip.Prefix
	// noticeClients counts the notices each client sends (notice.go).
	noticeClients *web.ClientLimits
}

// New returns a Block over svc. It panics if cfg.PublicURL is not an
// absolute http(s) URL, cfg.FormKey is too short or cfg.Auth is missing:
// all are wiring mistakes that must not reach a reader.
func New(svc Service, log *slog.Logger, cfg Config) *Block {
	public, err := url.Parse(cfg.PublicURL)
	if err != nil || (public.Scheme != "http" && public.Scheme != "https") || public.Host == "" {
		panic(fmt.Sprintf("embed: public URL %q is not an absolute http(s) URL", cfg.PublicURL))
	}
	if len(cfg.FormKey) < 32 {
		panic("embed: the form key must be at least 32 bytes")
	}
	if cfg.Auth == nil {
		panic("embed: no authenticator")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	tmpl := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	return &Block{
		svc: svc, auth: cfg.Auth, log: log, tmpl: tmpl,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), public: public,
		origin: public.Scheme + "://" + canonicalHost(public.Scheme, public.Host),
		tokens: formTokens{key: cfg.FormKey, now: now},
		oidc:   cfg.OIDC,
		limits: web.NewClientLimits(oidcBurst, oidcEvery, maxLimitedClients), trusted: cfg.TrustedProxies,
		noticeClients: web.NewClientLimits(noticeBurst, noticeEvery, maxLimitedClients),
	}
}

// Register adds the block's routes to mux.
func (b *Block) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /embed/{site}/stories/{story}", b.fragment)
	mux.Handle("POST /embed/{site}/stories/{story}/comments", b.auth.Middleware(http.HandlerFunc(b.post), b.refuse))
	mux.Handle("GET /embed/parley.css", stylesheet())
	mux.HandleFunc("GET /auth/oidc/start", b.oidcStart)
	mux.HandleFunc("GET /auth/oidc/callback", b.oidcCallback)
	mux.Handle("GET /auth/oidc/signin.js", signinScript())
	mux.HandleFunc("GET /unsubscribe", b.unsubscribe)
	mux.HandleFunc("POST /unsubscribe", b.unsubscribe)
	mux.HandleFunc("GET /embed/{site}/comments/{id}/notice", b.noticePage)
	mux.HandleFunc("POST /embed/{site}/comments/{id}/notice", b.noticePage)
}

// Request says which block to render and where it sits.
type Request struct {
	SiteID  string
	StoryID string
	Lang    string
	Sort    string
	Cursor  string
	Reply   string // ID of the comment the form replies to
	Parent  string // show the replies of this comment instead of the top level
	PageURL string // the page the block sits in; "" for links relative to it
	PostURL string // where the form posts
}

// RequestFrom reads a block request from a URL query.
func RequestFrom(q url.Values) Request {
	return Request{Lang: q.Get("lang"), Sort: q.Get("sort"), Cursor: q.Get("cursor"), Reply: q.Get("reply"), Parent: q.Get("parent")}
}

// Render writes the block for req to w.
func (b *Block) Render(ctx context.Context, w io.Writer, req Request) error {
	v, err := b.view(ctx, req)
	if err != nil {
		return err
	}
	if err := b.tmpl.ExecuteTemplate(w, "fragment", v); err != nil {
		return fmt.Errorf("render block: %w", err)
	}
	return nil
}

// fragment serves the block alone, for a publisher's server to include.
func (b *Block) fragment(w http.ResponseWriter, r *http.Request) {
	req := RequestFrom(r.URL.Query())
	req.SiteID, req.StoryID = r.PathValue("site"), r.PathValue("story")
	req.PageURL = r.URL.Query().Get("page")
	req.PostURL = b.postURL(req.SiteID, req.StoryID)
	// Rendered whole before anything is sent, so that a failure midway is
	// an error page rather than half a fragment with one appended.
	var page bytes.Buffer
	if err := b.Render(r.Context(), &page, req); err != nil {
		b.fail(w, r, req.Lang, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=0, s-maxage=5, stale-while-revalidate=30")
	w.Write(page.Bytes()) // an error here means the reader went away
}

// postURL is the absolute URL the story's form posts to.
func (b *Block) postURL(siteID, storyID string) string {
	return b.publicURL + "/embed/" + url.PathEscape(siteID) + "/stories/" + url.PathEscape(storyID) + "/comments"
}

// funcs are the template helpers.
var funcs = template.FuncMap{
	"t":    func(p *i18n.Printer, key string, args ...any) string { return p.T(key, args...) },
	"n":    func(p *i18n.Printer, key string, n int) string { return p.N(key, n) },
	"date": func(p *i18n.Printer, t time.Time) string { return p.Date(t) },
	"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// html marks a comment body as safe: it was sanitized when written.
	"html":  func(s string) template.HTML { return template.HTML(s) },
	"node":  func(v *view, n *service.Node) nodeView { return nodeView{V: v, Node: n} },
	"more":  func(v *view, cursor string) string { return v.link("cursor", cursor) },
	"reply": func(v *view, id string) string { return v.link("reply", id) },
	"sub":   func(v *view, id string) string { return v.link("parent", id) },
	// a GET form drops its action's query: the sort form repeats it
	"pageParams": func(v *view) url.Values { return v.pageParams() },
}
