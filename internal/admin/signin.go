package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"parley"
	"parley/internal/service"
	"parley/internal/web"
)

// Staff sign in with the methods of the widget: an e-mail link, a passkey
// or the site's OpenID Connect provider. Each ends in a session token in
// the page's script (the code of a link is exchanged for one, a passkey or
// OIDC sign-in answers with one), which the page posts to /admin/session;
// only there does a token become the HttpOnly cookie, after the service
// has said that its holder may moderate the site. A session a sign-in
// link left in Parley's own localStorage (`parley admin bootstrap`) is
// offered the same way.

// homeView is the site picker.
type homeView struct {
	layout
	Sites []siteChoice
}

// siteChoice is one site the browser holds a staff session of.
type siteChoice struct {
	ID, Name string
	Pending  int
}

// home lists the sites this browser may moderate; with one, it opens its
// queue, with none, the sign-in page.
func (a *Admin) home(w http.ResponseWriter, r *http.Request, p *printer) error {
	sessions := a.cookies.sessions(r)
	var choices []siteChoice
	for _, id := range sites(sessions) {
		c, err := a.siteChoice(r.Context(), id, sessions[id])
		if err != nil {
			delete(sessions, id)
			continue
		}
		choices = append(choices, *c)
	}
	a.cookies.setSessions(w, sessions)
	switch len(choices) {
	case 0:
		http.Redirect(w, r, a.publicURL+"/admin/signin", http.StatusSeeOther)
		return nil
	case 1:
		http.Redirect(w, r, a.publicURL+deskPath(choices[0].ID), http.StatusSeeOther)
		return nil
	}
	a.render(w, http.StatusOK, "home", &homeView{layout: layout{P: p, Title: p.T("admin.home.title"), Here: here(r)}, Sites: choices})
	return nil
}

// siteChoice resolves one session of the cookie and asks the service
// whether its holder may moderate the site (reading its queue counts is a
// moderator's action).
func (a *Admin) siteChoice(ctx context.Context, siteID, token string) (*siteChoice, error) {
	actor, err := a.sessions.Actor(ctx, token)
	if err != nil {
		return nil, err
	}
	if actor.SiteID != siteID {
		return nil, parley.Errorf(parley.EFORBIDDEN, "This session belongs to another site.")
	}
	ctx = parley.WithActor(ctx, actor)
	counts, err := a.svc.QueueCounts(ctx, siteID, "")
	if err != nil {
		return nil, err
	}
	site, err := a.svc.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return &siteChoice{ID: site.ID, Name: siteName(site), Pending: counts[statusPending]}, nil
}

// signInView is the sign-in page.
type signInView struct {
	layout
	CSRF    string
	SiteID  string
	Site    *parley.Site // nil until a known site is named
	Mail    bool         // e-mail links can be sent
	OIDC    string       // the provider's name; "" without one
	Passkey bool         // passkeys of the site work on Parley's own host
	Sent    string       // the address a link was sent to
	Ended   bool         // the session ran out or was signed out elsewhere
	Problem string       // why the last attempt failed
}

// signIn shows the sign-in page of the site named in ?site=, or a field to
// name it.
func (a *Admin) signIn(w http.ResponseWriter, r *http.Request, p *printer) error {
	v := a.signInPage(w, r, p, r.URL.Query().Get("site"))
	v.Ended = r.URL.Query().Get("ended") != ""
	a.render(w, http.StatusOK, "signin", v)
	return nil
}

func (a *Admin) signInPage(w http.ResponseWriter, r *http.Request, p *printer, siteID string) *signInView {
	v := &signInView{layout: layout{P: p, Title: p.T("admin.signin.title"), Here: here(r)}, CSRF: a.csrf.token(a.secret(w, r)), Mail: a.mail}
	if !parley.ValidID(siteID) {
		return v
	}
	v.SiteID = siteID
	site, err := a.svc.Site(r.Context(), siteID)
	if err != nil {
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			a.log.WarnContext(r.Context(), "admin sign-in: site", "site", siteID, "err", err)
		}
		v.Problem = p.T("admin.signin.unknownSite")
		return v
	}
	v.Site = site
	v.Mail = a.mail && !site.EmailSignIn.Off
	v.Passkey = !site.Passkeys.Off && withinRPID(a.host, site.PasskeyRPID())
	if site.OIDC.Enabled() {
		v.OIDC = site.OIDC.Name
		if v.OIDC == "" {
			v.OIDC = "OpenID Connect"
		}
	}
	return v
}

// emailLink mails a sign-in link that returns to /admin/signin/done.
func (a *Admin) emailLink(w http.ResponseWriter, r *http.Request, p *printer) error {
	siteID := r.PostForm.Get("site")
	v := a.signInPage(w, r, p, siteID)
	if v.Site == nil {
		a.render(w, http.StatusNotFound, "signin", v)
		return nil
	}
	in := emailRequest(siteID, r.PostForm.Get("email"), p.Lang(), a.publicURL+"/admin/signin/done?"+url.Values{"site": {siteID}}.Encode())
	in.Limit = func() error { return a.links.Allow(web.ClientAddr(r, nil), a.now()) }
	err := a.svc.RequestEmailLink(r.Context(), in)
	if err != nil {
		v.Problem = p.Error(parley.ErrorCode(err), parley.ErrorKey(err))
		if code := parley.ErrorCode(err); code == parley.EINTERNAL || code == parley.EUNAVAILABLE {
			return err
		}
		web.LimitHeaders(w.Header(), err)
		a.render(w, statusOf(err), "signin", v)
		return nil
	}
	v.Sent = r.PostForm.Get("email")
	a.render(w, http.StatusOK, "signin", v)
	return nil
}

// linkDone is where a sign-in link returns to, with its code in the
// fragment (#parley-code=…), which only the page's script can read: it
// posts the code to /admin/session.
func (a *Admin) linkDone(w http.ResponseWriter, r *http.Request, p *printer) error {
	v := a.signInPage(w, r, p, "")
	v.Title = p.T("admin.signin.finishing")
	a.render(w, http.StatusOK, "linkdone", v)
	return nil
}

// keepSession turns a session token, or a one-time code of a sign-in
// link, into the cookie, once the service says that its holder may
// moderate the site; then on to the site's queue.
func (a *Admin) keepSession(w http.ResponseWriter, r *http.Request, p *printer) error {
	siteID, token := r.PostForm.Get("site"), r.PostForm.Get("session")
	if !parley.ValidID(siteID) {
		return parley.Errorf(parley.EINVALID, "Name the site to sign in to.")
	}
	if code := r.PostForm.Get("code"); code != "" {
		in, err := a.svc.ExchangeSignInCode(r.Context(), siteID, code)
		if err != nil {
			return err
		}
		token = in.Session
	}
	if !parley.WellFormedSessionToken(token) {
		return parley.Errorf(parley.EUNAUTHORIZED, "The session is not valid; sign in again.").Keyed("sessionInvalid")
	}
	if _, err := a.siteChoice(r.Context(), siteID, token); err != nil {
		return err
	}
	sessions := a.cookies.sessions(r)
	if _, ok := sessions[siteID]; !ok && len(sessions) >= maxSites {
		return parley.Errorf(parley.ECONFLICT, "This browser is signed in to too many sites; sign out of one first.").Keyed("adminTooManySites")
	}
	sessions[siteID] = token
	a.cookies.setSessions(w, sessions)
	to := a.publicURL + deskPath(siteID)
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, map[string]string{"location": to})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// signOut ends the site's session and drops it from the cookie.
func (a *Admin) signOut(w http.ResponseWriter, r *http.Request, d *desk) error {
	if err := a.svc.SignOut(r.Context(), d.Site.ID, r.PostForm.Get("everywhere") != ""); err != nil {
		return err
	}
	sessions := a.cookies.sessions(r)
	delete(sessions, d.Site.ID)
	a.cookies.setSessions(w, sessions)
	http.Redirect(w, r, a.publicURL+"/admin/signin?"+url.Values{"site": {d.Site.ID}}.Encode(), http.StatusSeeOther)
	return nil
}

// siteName is how the pages name a site.
func siteName(site *parley.Site) string {
	if site.Name != "" {
		return site.Name
	}
	return site.ID
}

// emailRequest asks for a link to address that returns to ret.
func emailRequest(siteID, address, lang, ret string) service.EmailLinkRequest {
	return service.EmailLinkRequest{SiteID: siteID, Email: address, Lang: lang, Return: ret}
}

// withinRPID reports whether host may use the passkeys of rpID: it is
// rpID or one of its subdomains.
func withinRPID(host, rpID string) bool {
	return rpID != "" && (host == rpID || strings.HasSuffix(host, "."+rpID))
}

// statusOf is the HTTP status of err.
func statusOf(err error) int { return web.Status(parley.ErrorCode(err)) }
