package embed

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"time"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/web"
)

// OIDCService is what the OIDC sign-in pages need of the service layer.
type OIDCService interface {
	StartOIDC(ctx context.Context, siteID, origin, lang string, limit service.Limit) (to, postTo string, err error)
	FinishOIDC(ctx context.Context, cb service.OIDCCallback) (*parley.OIDCFlow, *service.SignedIn, error)
}

// maxCallbackQuery bounds what a provider (or anyone) may send to the
// callback: a code, a state and an error description fit many times.
const maxCallbackQuery = 8 << 10

// Each start stores a flow row that lives for parley.OIDCFlowTTL, whoever
// asks. A client may start oidcBurst sign-ins at once and one more every
// oidcEvery: a reader who closes the popup and opens it again a few times
// never notices, and one address holds at most oidcBurst +
// OIDCFlowTTL/oidcEvery = 70 live flows. The service asks the limit only
// of a start it would store (see service.Limit), so a reader's refused
// attempts do not count, and before it asks the provider, which a flood
// then does not reach either.
const (
	oidcBurst         = 10
	oidcEvery         = 10 * time.Second
	maxLimitedClients = 10000 // about a megabyte of buckets (web.ClientLimits)
)

// signinJS hands the sign-in's result to the page that opened the popup.
// It is a file, not an inline script, so that the page's policy forbids
// inline scripts: the page holds a session token.
//
//go:embed signin.js
var signinJS []byte

// oidcStart begins a sign-in in the widget's popup: it checks the opener's
// origin and sends the reader on to the provider with 303.
func (b *Block) oidcStart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := q.Get("lang")
	if b.oidc == nil {
		b.signinPage(w, r, signinView{Lang: lang, Err: parley.Errorf(parley.ENOTFOUND, "OIDC is not enabled on this server.").Keyed("oidcOff")})
		return
	}
	limit := func() error { return b.limits.Allow(web.ClientAddr(r, b.trusted), time.Now()) }
	to, postTo, err := b.oidc.StartOIDC(r.Context(), q.Get("site"), q.Get("origin"), lang, limit)
	if err != nil {
		b.signinPage(w, r, signinView{Lang: lang, Origin: postTo, Err: err})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// oidcCallback finishes a sign-in where the provider sent the reader back
// and shows the page that posts the result to the opener.
func (b *Block) oidcCallback(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromHeader(r.Header.Get("Accept-Language"))
	if b.oidc == nil {
		b.signinPage(w, r, signinView{Lang: lang, Err: parley.Errorf(parley.ENOTFOUND, "OIDC is not enabled on this server.").Keyed("oidcOff")})
		return
	}
	if len(r.URL.RawQuery) > maxCallbackQuery {
		b.signinPage(w, r, signinView{Lang: lang, Err: parley.Errorf(parley.EINVALID, "The sign-in's answer is too long.").Keyed("oidcProviderError")})
		return
	}
	q := r.URL.Query()
	f, in, err := b.oidc.FinishOIDC(r.Context(), service.OIDCCallback{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), Description: q.Get("error_description"),
	})
	v := signinView{Lang: lang, Err: err, In: in}
	if f != nil {
		v.Origin = f.Origin
		if f.Lang != "" {
			v.Lang = f.Lang
		}
	}
	b.signinPage(w, r, v)
}

// signinView is one result of a sign-in, for the page that shows it.
type signinView struct {
	Lang   string
	Origin string // where the result may be posted; "" for nowhere
	In     *service.SignedIn
	Err    error
}

// signinMessage is what the opener receives: the same fields as the
// API's sign-in answer, or the error's key.
type signinMessage struct {
	Type      string    `json:"type"`
	Session   string    `json:"session,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	User      *userJSON `json:"user,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// userJSON is the signed-in user as the API's userJSON spells them.
type userJSON struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Role   string   `json:"role"`
	Badges []string `json:"badges"`
}

// signinPage writes the popup's page: the result as JSON data for
// signin.js, and a sentence saying what happened.
func (b *Block) signinPage(w http.ResponseWriter, r *http.Request, v signinView) {
	p := i18n.For(v.Lang)
	msg := signinMessage{Type: "parley:signin"}
	status := http.StatusOK
	page := struct {
		P              *i18n.Printer
		Base           string
		Title, Message string
		OK             bool
		Data           template.JS
	}{P: p, Base: b.publicURL}
	if v.Err != nil {
		code, key := parley.ErrorCode(v.Err), parley.ErrorKey(v.Err)
		b.logSignin(r, code, v.Err)
		status = web.Status(code)
		web.ErrorHeaders(w.Header(), code)
		web.LimitHeaders(w.Header(), v.Err)
		msg.Error = key
		if key == "" {
			msg.Error = code
		}
		page.Title, page.Message = p.T("oidc.failed"), p.Error(code, key)
	} else {
		u := v.In.User
		badges := u.Badges
		if badges == nil {
			badges = []string{}
		}
		msg.Session, msg.ExpiresAt = v.In.Session, v.In.ExpiresAt
		msg.User = &userJSON{ID: u.ID, Name: u.Name, Role: u.UserRole().String(), Badges: badges}
		page.Title, page.Message, page.OK = p.T("oidc.signedIn"), p.T("oidc.signedInText", u.Name), true
	}
	data := map[string]any{}
	if v.Origin != "" {
		data["origin"], data["message"] = v.Origin, msg
	}
	raw, err := json.Marshal(data) // escapes <, > and &: it cannot end its script element
	if err != nil {
		b.log.ErrorContext(r.Context(), "encode sign-in result", "err", err)
	}
	page.Data = template.JS(raw)
	var out bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&out, "oidcResult", page); err != nil {
		b.log.ErrorContext(r.Context(), "render sign-in page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // it may hold a session token
	w.WriteHeader(status)
	w.Write(out.Bytes())
}

// logSignin logs a refused sign-in as fail does a refused post.
func (b *Block) logSignin(r *http.Request, code string, err error) {
	switch code {
	case parley.EINTERNAL:
		b.log.ErrorContext(r.Context(), "oidc sign-in failed", "path", r.URL.Path, "err", err)
	case parley.EUNAVAILABLE:
		b.log.WarnContext(r.Context(), "oidc sign-in refused: unavailable", "path", r.URL.Path, "err", err)
	case parley.ETOOMANYREQUESTS:
		// A flood would fill the log as it would have filled the table.
		b.log.DebugContext(r.Context(), "oidc sign-in refused: too fast", "path", r.URL.Path)
	default:
		b.log.InfoContext(r.Context(), "oidc sign-in refused", "path", r.URL.Path, "key", parley.ErrorKey(err), "err", err)
	}
}

// signinScript serves signin.js, revalidated by an ETag of its content.
func signinScript() http.Handler {
	sum := sha256.Sum256(signinJS)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "signin.js", time.Time{}, bytes.NewReader(signinJS))
	})
}
