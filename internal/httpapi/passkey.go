package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"parley"
	"parley/internal/service"
)

// Each ceremony start stores a row that lives for parley.CeremonyTTL,
// whoever asks. A client may start passkeyBurst ceremonies at once and one
// more every passkeyEvery: a reader who cancels the browser's dialog and
// tries again a few times never notices, and one address holds at most
// passkeyBurst + CeremonyTTL/passkeyEvery = 70 live ceremonies per route.
// The service asks the limit only of a start it would store (see
// service.Limit), so a reader's refused attempts do not count.
const (
	passkeyBurst = 10
	passkeyEvery = 5 * time.Second
)

// passkeyOptionsResponse begins a ceremony: the browser passes publicKey
// to navigator.credentials and sends the result back with ceremony.
type passkeyOptionsResponse struct {
	Ceremony  string `json:"ceremony"`
	PublicKey any    `json:"publicKey"`
}

type passkeyRegisterRequest struct {
	Ceremony   string          `json:"ceremony"`
	Name       string          `json:"name"`
	Credential json.RawMessage `json:"credential"`
}

type passkeySignInRequest struct {
	Ceremony   string          `json:"ceremony"`
	Credential json.RawMessage `json:"credential"`
}

// passkeyJSON is a passkey as its owner sees it in their list.
type passkeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

func newPasskeyJSON(p *parley.Passkey) passkeyJSON {
	out := passkeyJSON{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt}
	if !p.LastUsedAt.IsZero() {
		out.LastUsedAt = &p.LastUsedAt
	}
	return out
}

// passkeyRegisterOptions begins adding a passkey for the signed-in caller.
func (a *API) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	o, err := a.svc.PasskeyRegisterOptions(r.Context(), siteID, a.limit(a.registerClients, r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, passkeyOptionsResponse{Ceremony: o.Ceremony, PublicKey: o.PublicKey})
	return nil
}

// passkeyRegister finishes adding a passkey.
func (a *API) passkeyRegister(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req passkeyRegisterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := a.svc.RegisterPasskey(r.Context(), siteID, req.Ceremony, req.Name, req.Credential)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newPasskeyJSON(p))
	return nil
}

// passkeySignInOptions begins a sign-in with a passkey; nobody need be
// signed in.
func (a *API) passkeySignInOptions(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	o, err := a.svc.PasskeySignInOptions(r.Context(), siteID, a.limit(a.passkeyClients, r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, passkeyOptionsResponse{Ceremony: o.Ceremony, PublicKey: o.PublicKey})
	return nil
}

// passkeySignIn finishes a sign-in with a passkey and answers as every
// sign-in does (see sso).
func (a *API) passkeySignIn(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req passkeySignInRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := a.svc.SignInWithPasskey(r.Context(), siteID, req.Ceremony, req.Credential)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, signedInResponse{Session: in.Session, ExpiresAt: in.ExpiresAt, User: newUserJSON(in.User)})
	return nil
}

// myPasskeys lists the caller's passkeys on the site.
func (a *API) myPasskeys(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	keys, err := a.svc.MyPasskeys(r.Context(), siteID)
	if err != nil {
		return err
	}
	out := make([]passkeyJSON, len(keys))
	for i, p := range keys {
		out[i] = newPasskeyJSON(p)
	}
	writeJSON(w, http.StatusOK, map[string][]passkeyJSON{"passkeys": out})
	return nil
}

// deleteMyPasskey removes one of the caller's passkeys.
func (a *API) deleteMyPasskey(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteMyPasskey(r.Context(), siteID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PasskeyService is what the passkey routes need of the service layer.
type PasskeyService interface {
	PasskeyRegisterOptions(ctx context.Context, siteID string, limit service.Limit) (*service.PasskeyOptions, error)
	RegisterPasskey(ctx context.Context, siteID, ceremony, name string, credential []byte) (*parley.Passkey, error)
	PasskeySignInOptions(ctx context.Context, siteID string, limit service.Limit) (*service.PasskeyOptions, error)
	SignInWithPasskey(ctx context.Context, siteID, ceremony string, credential []byte) (*service.SignedIn, error)
	MyPasskeys(ctx context.Context, siteID string) ([]*parley.Passkey, error)
	DeleteMyPasskey(ctx context.Context, siteID, id string) error
	PasskeyRequired(ctx context.Context, siteID string) bool
}
