package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"parley"
	"parley/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assetVersion is a hash of the static files, put into their URLs so that
// browsers may keep them for a year and still see an upgrade at once.
var assetVersion = func() string {
	h := sha256.New()
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)[:6])
}()

// static serves the script and the stylesheet. They are files, not inline,
// so that the pages' Content-Security-Policy allows no inline script or
// style at all.
func static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/admin/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") == assetVersion {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			// a module admin.js imports, by a URL without the version: asked
			// again each time, so that it never lags behind its importer
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	}))
}

// funcs are the template helpers.
var funcs = template.FuncMap{
	// t takes no arguments, so that the hot path of a page of items makes
	// no slice per call; tf formats them into the message
	"t":     func(p *printer, key string) string { return p.T(key) },
	"tf":    func(p *printer, key string, args ...any) string { return p.T(key, args...) },
	"n":     func(p *printer, key string, n int) string { return p.N(key, n) },
	"date":  func(p *printer, t time.Time) string { return p.Date(t) },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"asset": func(name string) string { return "/admin/static/" + name + "?v=" + assetVersion },
	// html marks a comment body as safe: it was sanitized when written.
	"html":     func(s string) template.HTML { return template.HTML(s) },
	"esc":      url.PathEscape,
	"query":    func(v url.Values) string { return v.Encode() },
	"add":      func(a, b int) int { return a + b },
	"key":      func(i int) int { return i + 1 },
	"short":    func(s string, n int) string { return shorten(s, n) },
	"siteName": siteName,
	// state names a before or after of the log in words where it is a
	// comment's status or a user's standing, else as the log has it
	"state": func(p *printer, s string) string {
		switch s {
		case parley.StatusApproved, parley.StatusPending, parley.StatusRejected, parley.StatusDeleted:
			return p.T("admin.status." + s)
		case parley.StandingActive, parley.StandingWarned, parley.StandingSuspended, parley.StandingBanned:
			return p.T("admin.standing." + s)
		}
		return s
	},
	// reason names a reject reason in words; any other ground (the
	// pipeline's "rule", a word list) is shown as the log has it
	"reason": func(p *printer, r string) string {
		if parley.ValidRejectReason(r) {
			return p.T("admin.reason." + r)
		}
		return r
	},
	"deskPath": deskPath,
	"sanctionKinds": func() []string {
		return []string{service.SanctionWarn, service.SanctionSuspend, service.SanctionBan, service.SanctionReinstate}
	},
}

func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
}

// layout is what every page's frame needs.
type layout struct {
	P     *printer
	Title string
	Desk  *desk  // nil outside a site's desk
	Here  string // this page's path and query, for the language switch
	Nav   string // the desk page this one belongs to: queue, audit, words, user
}

// Langs are the languages the switch offers, each named in itself.
func (layout) Langs() []langChoice {
	return []langChoice{{"de", "Deutsch"}, {"en", "English"}, {"es", "Español"}, {"fr", "Français"}}
}

type langChoice struct{ Code, Name string }

// errorView is the error page.
type errorView struct {
	layout
	Message string
	Code    string
}

// render writes the template name with v, whole or not at all: a template
// that fails midway is a logged error, not half a page.
func (a *Admin) render(w http.ResponseWriter, status int, name string, v any) {
	var b bytes.Buffer
	if err := a.tmpl.ExecuteTemplate(&b, name, v); err != nil {
		a.log.Error("admin template failed", "template", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// here is r's path and query, for links that come back to it.
func here(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	return r.URL.Path + "?" + r.URL.RawQuery
}

// writeJSON answers the script.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return parley.Errorf(parley.EINTERNAL, "encode: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
	return nil
}

// shorten cuts s to at most n runes, on a space where it can, with an
// ellipsis.
func shorten(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// deskPath is the path of a page of site's desk.
func deskPath(siteID string, elems ...string) string {
	p := "/admin/sites/" + url.PathEscape(siteID)
	for _, e := range elems {
		p += "/" + url.PathEscape(e)
	}
	return path.Clean(p)
}
