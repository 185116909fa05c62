package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"parley"
	"parley/internal/i18n"
	"parley/internal/web"
)

// maxFormBody bounds a posted form: a note, a message or a word list of
// a few thousand words fits many times.
const maxFormBody = 256 << 10

// desk is one request to a site's pages: the site, the staff member's
// actor there (in the request's context too), their language and the
// form token.
type desk struct {
	Site  *parley.Site
	Actor *parley.Actor
	P     *printer
	CSRF  string
	// Sites are the other sites this browser holds a session of, for the
	// site switch.
	Sites []string
	// Hooks says whether to link the webhook pages: only admins may use
	// them. A hint for the nav alone; the service decides every call.
	Hooks bool
	token string // the session, for the live stream to check again
}

// staff resolves the session of the site in the path before h runs. A
// browser without one is sent to the sign-in page; a session that has
// ended is dropped from the cookie. The actor goes into the context for
// the service, which alone decides what it may do.
func (a *Admin) staff(h func(w http.ResponseWriter, r *http.Request, d *desk) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		p := a.printer(r)
		d, signIn, err := a.openDesk(w, r, p)
		switch {
		case signIn:
			a.toSignIn(w, r, r.PathValue("site"), p, err)
			return
		case err != nil:
			a.fail(w, r, p, err)
			return
		}
		r = r.WithContext(parley.WithActor(r.Context(), d.Actor))
		if r.Method == http.MethodPost {
			err = a.readPost(w, r)
		}
		if err == nil {
			err = h(w, r, d)
		}
		if err != nil {
			a.fail(w, r, p, err)
		}
	})
}

// openDesk resolves the cookie's session of the site in r's path into the
// desk; signIn says that there is none (err: why it ended, or nil).
func (a *Admin) openDesk(w http.ResponseWriter, r *http.Request, p *printer) (d *desk, signIn bool, err error) {
	siteID := r.PathValue("site")
	sessions := a.cookies.sessions(r)
	token, ok := sessions[siteID]
	if !ok {
		return nil, true, nil
	}
	// bounded apart from the request, since the live stream has no deadline
	ctx, cancel := context.WithTimeout(r.Context(), liveRead)
	defer cancel()
	actor, err := a.sessions.Actor(ctx, token)
	switch {
	case parley.ErrorCode(err) == parley.EUNAUTHORIZED:
		delete(sessions, siteID)
		a.cookies.setSessions(w, sessions)
		return nil, true, err
	case err != nil:
		return nil, false, err
	case actor.SiteID != siteID:
		return nil, false, parley.Errorf(parley.EFORBIDDEN, "This session belongs to another site.").Keyed("otherSite")
	}
	site, err := a.svc.Site(ctx, siteID)
	if err != nil {
		return nil, false, err
	}
	d = &desk{Site: site, Actor: actor, P: p, CSRF: a.csrf.token(a.secret(w, r)), token: token,
		Hooks: a.hooks != nil && actor.RoleOn(siteID) >= parley.RoleAdmin}
	for _, s := range sites(sessions) {
		if s != siteID {
			d.Sites = append(d.Sites, s)
		}
	}
	return d, false, nil
}

// readPost parses a posted form, bounded, and checks that it came from our
// own page.
func (a *Admin) readPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormBody) // the script's FormData
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return parley.Errorf(parley.ETOOLARGE, "The form is too large.")
		}
		return parley.Errorf(parley.EINVALID, "The form could not be read.")
	}
	return a.checkPost(r)
}

// toSignIn answers a request without a session: pages go to the sign-in
// page, script requests get 401.
func (a *Admin) toSignIn(w http.ResponseWriter, r *http.Request, siteID string, p *printer, why error) {
	if wantsJSON(r) || r.Method != http.MethodGet {
		if why == nil {
			why = parley.Errorf(parley.EUNAUTHORIZED, "Sign in to moderate this site.").Keyed("signInRequired")
		}
		a.fail(w, r, p, why)
		return
	}
	q := url.Values{}
	if parley.ValidID(siteID) {
		q.Set("site", siteID)
	}
	if why != nil {
		q.Set("ended", "1")
	}
	http.Redirect(w, r, a.publicURL+"/admin/signin?"+q.Encode(), http.StatusSeeOther)
}

// page adapts a handler of a page outside any site's desk.
func (a *Admin) page(h func(w http.ResponseWriter, r *http.Request, p *printer) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		p := a.printer(r)
		if err := h(w, r, p); err != nil {
			a.fail(w, r, p, err)
		}
	}
}

// post adapts a handler of a form posted outside any site's desk (the
// sign-in forms): the form is read and checked first.
func (a *Admin) post(h func(w http.ResponseWriter, r *http.Request, p *printer) error) http.HandlerFunc {
	return a.page(func(w http.ResponseWriter, r *http.Request, p *printer) error {
		if err := a.readPost(w, r); err != nil {
			return err
		}
		return h(w, r, p)
	})
}

// noStore keeps the UI's answers out of every cache: they hold what only
// staff may see.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}

// wantsJSON reports whether the UI's script sent r and wants a JSON answer
// rather than a page or a redirect.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// back is where a form's answer returns to: the posted "back", if it is
// one of the site's desk pages, else the queue.
func (a *Admin) back(r *http.Request, siteID string) string {
	home := "/admin/sites/" + url.PathEscape(siteID)
	if b := r.PostForm.Get("back"); localPath(b, home) {
		return a.publicURL + b
	}
	return a.publicURL + home
}

// localPath reports whether s is a path under prefix that a browser reads
// as one: no scheme, no authority, no backslash or control character that
// might turn it into another origin.
func localPath(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || strings.ContainsAny(s, "\\\r\n\t") || strings.Contains(s, "//") || strings.Contains(s, "/..") {
		return false
	}
	rest := s[len(prefix):]
	return rest == "" || rest[0] == '/' || rest[0] == '?'
}

// done answers a form that worked: 303 back for a page, the result as JSON
// for the script.
func (a *Admin) done(w http.ResponseWriter, r *http.Request, siteID string, result any) error {
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, result)
	}
	http.Redirect(w, r, a.back(r, siteID), http.StatusSeeOther)
	return nil
}

// fail answers err: a page in the staff member's language, or a JSON
// error for the script. Internal errors are logged, never shown.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, p *printer, err error) {
	code, key := parley.ErrorCode(err), parley.ErrorKey(err)
	switch {
	case web.ClientGone(r):
		return
	case code == parley.EINTERNAL:
		a.log.ErrorContext(r.Context(), "admin page failed", "path", r.URL.Path, "err", err)
	case code == parley.EUNAVAILABLE:
		a.log.WarnContext(r.Context(), "admin page refused: unavailable", "path", r.URL.Path, "err", err)
	}
	web.ErrorHeaders(w.Header(), code)
	web.LimitHeaders(w.Header(), err)
	msg := p.Error(code, key)
	if wantsJSON(r) {
		writeJSON(w, web.Status(code), map[string]any{"error": map[string]string{"code": code, "key": key, "message": msg}})
		return
	}
	a.render(w, web.Status(code), "error", &errorView{layout: layout{P: p}, Message: msg, Code: code})
}

// setLang keeps the language the staff member picked and returns to the
// page they picked it on.
func (a *Admin) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("to")
	if p := i18n.For(lang); p.Lang() == lang {
		a.cookies.set(w, a.cookies.lang, lang, cookieLifetime)
	}
	to := "/admin"
	if b := r.URL.Query().Get("back"); localPath(b, "/admin") {
		to = b
	}
	noStore(w)
	http.Redirect(w, r, a.publicURL+to, http.StatusSeeOther)
}

// printer is the staff member's language: the one they picked, else the
// first of Accept-Language that Parley speaks, else English.
func (a *Admin) printer(r *http.Request) *printer {
	if ck, err := r.Cookie(a.cookies.lang); err == nil {
		return newPrinter(ck.Value)
	}
	return newPrinter(i18n.FromHeader(r.Header.Get("Accept-Language")))
}
