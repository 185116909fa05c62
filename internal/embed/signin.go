package embed

import (
	"context"
	_ "embed"
	"net/http"
	"net/url"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/web"
)

// SignInService is what the e-mail sign-in pages need of the service.
type SignInService interface {
	EmailLink(ctx context.Context, token string) (*service.PendingLink, error)
	UseEmailLink(ctx context.Context, token string) (*service.LinkUsed, error)
}

// SignIn serves the pages an e-mail sign-in link opens, on Parley's own
// origin. Opening a link (GET) never uses it, since mail scanners open
// every link they see: it shows one button, whose form post (POST) signs
// the reader in.
type SignIn struct {
	b   *Block
	svc SignInService
}

// SignIn returns the sign-in pages, which share the block's templates,
// origin and log.
func (b *Block) SignIn(svc SignInService) *SignIn { return &SignIn{b: b, svc: svc} }

//go:embed session.js
var sessionJS []byte

// Register adds the sign-in pages to mux.
func (s *SignIn) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin/email", s.page)
	mux.HandleFunc("POST /signin/email", s.use)
	mux.HandleFunc("GET /signin/session.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(sessionJS)
	})
}

// signInView is what the sign-in form sees.
type signInView struct {
	P      *i18n.Printer
	Site   string
	Action string
	Token  string
}

// messageView is what a sign-in page that only says something sees.
type messageView struct {
	P        *i18n.Printer
	Title    string
	Message  string
	Alert    bool
	Back     string
	BackText string
	SiteID   string
	Session  string // the session token kept for Parley's own pages, as the widget keeps it; "" for none
}

// page shows the button that uses the link, or says that it no longer
// works.
func (s *SignIn) page(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	link, err := s.svc.EmailLink(r.Context(), token)
	if err != nil {
		s.fail(w, r, i18n.FromHeader(r.Header.Get("Accept-Language")), "", err)
		return
	}
	p := i18n.For(link.Lang)
	if !link.Live {
		s.invalid(w, p, link.Return, http.StatusGone)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// the answer to the form may send the reader back to the article
	web.FormPolicy(h, originOf(link.Return))
	v := signInView{P: p, Site: siteName(link.Site), Action: s.b.publicURL + "/signin/email", Token: token}
	s.b.tmpl.ExecuteTemplate(w, "signin", v)
}

// use signs in with the posted link: back to the page the reader came
// from with a one-time code in the fragment, or, without one, a page that
// keeps the session for Parley's own pages.
func (s *SignIn) use(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	err := r.ParseForm()
	lang := formLang(r)
	if err != nil {
		s.fail(w, r, lang, "", formError(err))
		return
	}
	if err := s.checkPost(r); err != nil {
		s.fail(w, r, lang, "", err)
		return
	}
	token := r.PostForm.Get("token")
	used, err := s.svc.UseEmailLink(r.Context(), token)
	if parley.ErrorKey(err) == "emailLinkInvalid" {
		// 410 for a link that was (used or expired), 400 for one that never was
		back, status := "", http.StatusBadRequest
		if link, err := s.svc.EmailLink(r.Context(), token); err == nil {
			lang, back, status = link.Lang, link.Return, http.StatusGone
		}
		s.invalid(w, i18n.For(lang), back, status)
		return
	}
	if err != nil {
		s.fail(w, r, lang, "", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if used.Return != "" {
		w.Header().Set("Location", used.Return+"#parley-code="+used.Code)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	s.signedIn(w, used)
}

// checkPost refuses a post that a page of another origin sent (a reader
// signed in to someone else's account without knowing): only Parley's own
// page has the form. A request without Origin or Sec-Fetch-Site does not
// come from a browser, as in checkForm.
func (s *SignIn) checkPost(r *http.Request) error {
	crossSite := parley.Errorf(parley.EFORBIDDEN, "This sign-in was sent from a page that may not sign you in.").Keyed("signInCrossSite")
	origin := r.Header.Get("Origin")
	switch fetchSite := r.Header.Get("Sec-Fetch-Site"); {
	case origin != "" && origin != s.b.origin:
		return crossSite
	case origin == "" && (fetchSite == "cross-site" || fetchSite == "same-site"):
		return crossSite
	}
	return nil
}

// signedIn says that the reader is signed in and keeps the session.
func (s *SignIn) signedIn(w http.ResponseWriter, used *service.LinkUsed) {
	p := i18n.For(used.Lang)
	v := messageView{P: p, Title: p.T("signin.done.title"), Message: p.T("signin.done.body", siteName(used.Site)),
		SiteID: used.Site.ID, Session: used.SignedIn.Session}
	s.render(w, http.StatusOK, v)
}

// invalid says that the link no longer works, with the way back to ask
// for a new one.
func (s *SignIn) invalid(w http.ResponseWriter, p *i18n.Printer, back string, status int) {
	v := messageView{P: p, Title: p.T("signin.invalid.title"), Message: p.T("signin.invalid.body"), Alert: true,
		Back: back, BackText: p.T("signin.again")}
	s.render(w, status, v)
}

// fail answers any other refusal with its status and a message in the
// reader's language; internal errors are logged, never shown.
func (s *SignIn) fail(w http.ResponseWriter, r *http.Request, lang, back string, err error) {
	code, key := parley.ErrorCode(err), parley.ErrorKey(err)
	switch code {
	case parley.EINTERNAL:
		s.b.log.ErrorContext(r.Context(), "sign-in page failed", "path", r.URL.Path, "err", err)
	case parley.EUNAVAILABLE:
		s.b.log.WarnContext(r.Context(), "sign-in page refused: unavailable", "path", r.URL.Path, "err", err)
	}
	p := i18n.For(lang)
	if key == "emailLinkInvalid" {
		s.invalid(w, p, back, http.StatusBadRequest)
		return
	}
	web.ErrorHeaders(w.Header(), code)
	v := messageView{P: p, Title: p.T("signin.failed.title"), Message: p.Error(code, key), Alert: true}
	s.render(w, web.Status(code), v)
}

func (s *SignIn) render(w http.ResponseWriter, status int, v messageView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	web.ErrorPage(h)
	w.WriteHeader(status)
	s.b.tmpl.ExecuteTemplate(w, "signinMessage", v)
}

// originOf is the origin of a checked absolute URL, "" for none.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// siteName is how the pages name a site.
func siteName(site *parley.Site) string {
	if site.Name != "" {
		return site.Name
	}
	return site.ID
}
