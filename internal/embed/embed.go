// Package embed renders the discussion block as server-side HTML: the
// fragment a publisher includes under an article for search engines and for
// readers without JavaScript, with a post form that works as a plain HTML
// form. Its chrome speaks the article's language.
package embed

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
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
}

// Block renders the discussion block and takes posts from its form.
type Block struct {
	svc  Service
	log  *slog.Logger
	tmpl *template.Template
}

// New returns a Block over svc.
func New(svc Service, log *slog.Logger) *Block {
	tmpl := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	return &Block{svc: svc, log: log, tmpl: tmpl}
}

// Register adds the block's routes to mux.
func (b *Block) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /embed/{site}/stories/{story}", b.fragment)
	mux.HandleFunc("POST /embed/{site}/stories/{story}/comments", b.post)
	mux.Handle("GET /embed/parley.css", stylesheet())
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
	req.PostURL = baseURL(r) + "/embed/" + url.PathEscape(req.SiteID) + "/stories/" + url.PathEscape(req.StoryID) + "/comments"
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=0, s-maxage=5, stale-while-revalidate=30")
	if err := b.Render(r.Context(), w, req); err != nil {
		b.fail(w, r, req.Lang, err)
	}
}

// baseURL is the scheme and host the request reached Parley at.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
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
}
