package httpapi

import (
	"net/http"
	"time"

	"parley"
)

// userJSON is a signed-in user as they see themselves: what the widget
// shows, nothing the publisher told us privately (no e-mail).
type userJSON struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Role   string   `json:"role"`
	Badges []string `json:"badges"`
}

func newUserJSON(u *parley.User) userJSON {
	badges := u.Badges
	if badges == nil {
		badges = []string{}
	}
	return userJSON{ID: u.ID, Name: u.Name, Role: u.UserRole().String(), Badges: badges}
}

type ssoRequest struct {
	Token string `json:"token"`
}

type signedInResponse struct {
	Session   string    `json:"session"`
	ExpiresAt time.Time `json:"expiresAt"`
	User      userJSON  `json:"user"`
}

// sso exchanges a publisher's SSO token for a session.
func (a *API) sso(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req ssoRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := a.svc.ExchangeSSO(r.Context(), siteID, req.Token)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, signedInResponse{Session: in.Session, ExpiresAt: in.ExpiresAt, User: newUserJSON(in.User)})
	return nil
}

type signOutRequest struct {
	Everywhere bool `json:"everywhere"`
}

// signOut ends the caller's session, or all of them with
// {"everywhere": true}; the body is optional.
func (a *API) signOut(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req signOutRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	if err := a.svc.SignOut(r.Context(), siteID, req.Everywhere); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// meResponse is the caller as they see themselves. PasskeyRequired says
// that they hold a role they may use only after signing in with a passkey
// (the site's --staff-passkey), so that the widget can offer one.
type meResponse struct {
	User            userJSON `json:"user"`
	PasskeyRequired bool     `json:"passkeyRequired,omitempty"`
}

// me returns the caller's user on ?site=.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	siteID := r.URL.Query().Get("site")
	if !parley.ValidID(siteID) {
		return parley.Errorf(parley.EINVALID, "Name the site with ?site=.")
	}
	u, err := a.svc.Me(r.Context(), siteID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSON(w, http.StatusOK, meResponse{User: newUserJSON(u), PasskeyRequired: a.svc.PasskeyRequired(r.Context(), siteID)})
	return nil
}

// sitePath returns the {site} path value, EINVALID unless it is an ID.
func sitePath(r *http.Request) (string, error) {
	id := r.PathValue("site")
	if !parley.ValidID(id) {
		return "", parley.Errorf(parley.EINVALID, "%.40q is not a site ID.", id)
	}
	return id, nil
}
