package httpapi

import (
	"net/http"
)

// signInCacheControl lets browsers and CDNs keep a site's sign-in methods
// for a minute: they change when an operator changes the site, and the
// widget asks on every article page.
const signInCacheControl = "public, max-age=60"

type signInMethodsJSON struct {
	Anonymous bool      `json:"anonymous"`
	SSO       bool      `json:"sso"`
	Email     bool      `json:"email"`
	OIDC      *oidcJSON `json:"oidc"`
	Passkey   bool      `json:"passkey"`
}

type oidcJSON struct {
	Name string `json:"name"`
}

// signInMethods tells the widget which sign-in buttons to show.
func (a *API) signInMethods(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	m, err := a.svc.SignInMethods(r.Context(), siteID)
	if err != nil {
		return err
	}
	out := signInMethodsJSON{Anonymous: m.Anonymous, SSO: m.SSO, Email: m.Email, Passkey: m.Passkey}
	if m.OIDC != nil {
		out.OIDC = &oidcJSON{Name: m.OIDC.Name}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", signInCacheControl)
	writeBody(w, out)
	return nil
}
