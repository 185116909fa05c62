package httpapi

import (
	"net/http"
	"time"

	"parley/internal/service"
	"parley/internal/web"
)

// Each client may ask for clientBurst sign-in links at once and one more
// every clientEvery after that: enough for a reader who mistyped their
// address twice, too few to mail-bomb anyone from one address (the limit
// per recipient, in the database, stops many clients at once).
const (
	emailBurst = 5
	emailEvery = 20 * time.Second
)

// maxLimitedClients bounds each per-client limit's memory: 10,000 buckets
// measured 1.4 MB of heap, and more distinct addresses at once than that
// is a flood, whose buckets are then forgotten (see web.ClientLimits).
const maxLimitedClients = 10000

type emailLinkRequest struct {
	Email  string `json:"email"`
	Lang   string `json:"lang"`
	Return string `json:"return"`
}

// emailLink mails a sign-in link. It answers 202 {} for every well-formed
// address, known or not, so that nobody learns who has an account here.
func (a *API) emailLink(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req emailLinkRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in := service.EmailLinkRequest{SiteID: siteID, Email: req.Email, Lang: req.Lang, Return: req.Return, Limit: a.limit(a.emailClients, r)}
	if err := a.svc.RequestEmailLink(r.Context(), in); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
	return nil
}

type signInCodeRequest struct {
	Code string `json:"code"`
}

// signInCode exchanges a one-time sign-in code for a session; the answer
// is the one every sign-in gives.
func (a *API) signInCode(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req signInCodeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := a.svc.ExchangeSignInCode(r.Context(), siteID, req.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, signedInResponse{Session: in.Session, ExpiresAt: in.ExpiresAt, User: newUserJSON(in.User)})
	return nil
}

// limit is the limit of the client that made r in c, asked at the time
// the service asks it. The routes that use it are POSTs, whose address
// web.WithClientAddress has found already.
func (a *API) limit(c *web.ClientLimits, r *http.Request) service.Limit {
	return func() error { return c.Allow(web.ClientAddr(r, nil), time.Now()) }
}
