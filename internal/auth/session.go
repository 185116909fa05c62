package auth

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"parley"
)

// sessionExtendEvery bounds how often one session's end is moved: sliding
// expiry needs a write, and one per request would make every signed-in
// read a write. A session therefore ends between TTL−1h and TTL after its
// last use, which no reader can tell from TTL.
const sessionExtendEvery = time.Hour

// SessionStore is what the session method reads and writes; parley.Store
// has it.
type SessionStore interface {
	Session(ctx context.Context, hash string) (*parley.Session, *parley.User, error)
	ExtendSession(ctx context.Context, hash string, expires time.Time) error
}

// SiteReader returns a site's settings (the service's cached Site).
type SiteReader interface {
	Site(ctx context.Context, id string) (*parley.Site, error)
}

// Sessions is the Method of signed-in readers: "Authorization: Bearer
// pss_…". Sessions are not cached: a revoked session must stop working on
// every instance at once, and a read by primary key is cheap.
type Sessions struct {
	store SessionStore
	sites SiteReader
	now   func() time.Time
}

// NewSessions returns the session method; now is its clock (nil: time.Now).
func NewSessions(store SessionStore, sites SiteReader, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{store: store, sites: sites, now: now}
}

var errBadSession = parley.Errorf(parley.EUNAUTHORIZED, "The session is not valid; sign in again.").Keyed("sessionInvalid")

// Authenticate implements Method: it claims every bearer token marked as
// a session token.
func (m *Sessions) Authenticate(ctx context.Context, r *http.Request) (*parley.Actor, bool, error) {
	token, ok := Bearer(r)
	if !ok || !parley.IsSessionToken(token) {
		return nil, false, nil
	}
	a, err := m.Actor(ctx, token)
	return a, err == nil, err
}

// Actor returns the user a live session token belongs to, and slides the
// session's end. Unknown, malformed and expired tokens are EUNAUTHORIZED.
func (m *Sessions) Actor(ctx context.Context, token string) (*parley.Actor, error) {
	if !parley.WellFormedSessionToken(token) {
		return nil, errBadSession
	}
	se, u, err := m.store.Session(ctx, parley.HashSessionToken(token))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errBadSession
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	now := m.now()
	if !now.Before(se.ExpiresAt) {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The session has expired; sign in again.").Keyed("sessionExpired")
	}
	site, err := m.sites.Site(ctx, se.SiteID)
	if err != nil {
		return nil, fmt.Errorf("session site: %w", err)
	}
	if err := m.slide(ctx, se, site, now); err != nil {
		return nil, err
	}
	// The role is decided here, where the session's sign-in method is
	// known, and not in the service's authorize: every surface and every
	// rule then sees the role the actor may act with, and none can forget
	// a site's demand that staff use a passkey (Site.ActingRole).
	role := site.ActingRole(u, se.Method)
	return &parley.Actor{User: u, SiteID: u.SiteID, Role: role, Method: parley.MethodSession, Session: se.Hash, SignedInBy: se.Method}, nil
}

// slide moves the session's end to now + the site's lifetime, at most
// once per sessionExtendEvery.
func (m *Sessions) slide(ctx context.Context, se *parley.Session, site *parley.Site, now time.Time) error {
	end := now.Add(site.SessionLifetime())
	if end.Sub(se.ExpiresAt) < sessionExtendEvery {
		return nil
	}
	if err := m.store.ExtendSession(ctx, se.Hash, end); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return fmt.Errorf("extend session: %w", err)
	}
	se.ExpiresAt = end
	return nil
}
