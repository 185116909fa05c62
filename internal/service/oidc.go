package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"parley"
)

// OIDCProvider talks to a site's OpenID Connect provider (auth.OIDC).
// AuthURL is EUNAVAILABLE when the provider cannot be discovered; Exchange
// refuses a code, token or nonce that does not check out with
// EUNAUTHORIZED and a key.
type OIDCProvider interface {
	AuthURL(ctx context.Context, site *parley.Site, redirectURI, state, nonce, verifier string) (string, error)
	Exchange(ctx context.Context, site *parley.Site, redirectURI, code, verifier, nonce string) (*parley.OIDCClaims, error)
}

// OIDCCallbackPath is where providers send readers back, under the public
// URL; every site's client at its provider registers exactly this URL.
const OIDCCallbackPath = "/auth/oidc/callback"

// WithOIDC lets the service sign readers in with the sites' OIDC providers
// through p. publicURL is where browsers reach Parley (normalized): the
// redirect URI is built from it, never from a request's Host header, and
// its origin may open the sign-in as well as the sites' own origins.
func WithOIDC(p OIDCProvider, publicURL string) Option {
	return func(s *Service) {
		s.oidc = p
		s.oidcCallback = strings.TrimRight(publicURL, "/") + OIDCCallbackPath
		if u, err := url.Parse(publicURL); err == nil {
			s.publicOrigin = u.Scheme + "://" + u.Host
		}
	}
}

// OIDCName is what the site's sign-in button calls its OIDC provider: the
// configured name, else the issuer's host; "" when OIDC is off there.
func (s *Service) OIDCName(site *parley.Site) string {
	if s.oidc == nil || !site.OIDC.Enabled() {
		return ""
	}
	if site.OIDC.Name != "" {
		return site.OIDC.Name
	}
	if u, err := url.Parse(site.OIDC.Issuer); err == nil {
		return u.Host
	}
	return site.OIDC.Issuer
}

// langPattern is a language tag as far as a sign-in needs it: short, and
// safe to keep and to show in a page's lang attribute.
var langPattern = regexp.MustCompile(`^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8}){0,3}$`)

// StartOIDC begins a reader's sign-in on siteID for a page on origin and
// returns the provider's URL to send them to. origin must be one of the
// site's (or Parley's own): the result will be posted to it, and to no
// other. postTo is origin once it is known to be allowed, also when a
// later step fails, and "" before: a refusal may be posted there. limit
// is asked once the origin is allowed, before the provider is. The flow
// is stored, in the database, only once the provider is known to answer,
// so a provider that is down leaves nothing behind.
func (s *Service) StartOIDC(ctx context.Context, siteID, origin, lang string, limit Limit) (to, postTo string, err error) {
	site, err := s.oidcSite(ctx, siteID)
	if err != nil {
		return "", "", err
	}
	if !parley.ValidOrigin(origin) || !site.AllowsOrigin(origin) && origin != s.publicOrigin {
		return "", "", parley.Errorf(parley.EFORBIDDEN, "This site does not accept sign-ins from %.100q.", origin).Keyed("originNotAllowed")
	}
	if err := limit.take(); err != nil {
		return "", origin, err
	}
	if !langPattern.MatchString(lang) {
		lang = ""
	}
	now := s.now()
	state, hash := parley.NewOIDCState()
	f := &parley.OIDCFlow{StateHash: hash, SiteID: site.ID, Nonce: random(), Verifier: random(),
		Origin: origin, Lang: lang, CreatedAt: now, ExpiresAt: now.Add(parley.OIDCFlowTTL)}
	to, err = s.oidc.AuthURL(ctx, site, s.oidcCallback, state, f.Nonce, f.Verifier)
	if err != nil {
		return "", origin, err
	}
	if err := s.store.CreateOIDCFlow(ctx, f); err != nil {
		return "", origin, fmt.Errorf("store oidc flow: %w", err)
	}
	return to, origin, nil
}

// OIDCCallback is what the provider sent the reader back with.
type OIDCCallback struct {
	State string
	Code  string
	// Error and Description are the provider's refusal (access_denied …).
	Error, Description string
}

// FinishOIDC completes a sign-in: it takes the flow of the state (once:
// a replayed state finds nothing), exchanges the code with the flow's
// verifier, checks the ID token's nonce, finds or creates the user of the
// provider's sub and stores a session. It returns the flow whenever the
// state was known, even with an error, so that the result can be posted to
// the flow's origin in the flow's language; without a known state the flow
// is nil. Refusals are EUNAUTHORIZED with a key (oidcBadState, oidcDenied,
// oidcProviderError, and the provider's own).
func (s *Service) FinishOIDC(ctx context.Context, cb OIDCCallback) (*parley.OIDCFlow, *SignedIn, error) {
	errState := parley.Errorf(parley.EUNAUTHORIZED, "This sign-in is unknown, expired or already used. Please start again.").Keyed("oidcBadState")
	if !parley.WellFormedOIDCState(cb.State) {
		return nil, nil, errState
	}
	f, err := s.store.TakeOIDCFlow(ctx, parley.HashOIDCState(cb.State), s.now())
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, errState
	} else if err != nil {
		return nil, nil, fmt.Errorf("take oidc flow: %w", err)
	}
	site, err := s.oidcSite(ctx, f.SiteID)
	if err != nil {
		return f, nil, err
	}
	switch {
	case cb.Error == "access_denied":
		return f, nil, parley.Errorf(parley.EUNAUTHORIZED, "The sign-in was cancelled at the provider.").Keyed("oidcDenied")
	case cb.Error != "" || cb.Code == "" || len(cb.Code) > 2048:
		return f, nil, parley.Errorf(parley.EUNAUTHORIZED, "The sign-in provider refused the sign-in (%.64q: %.200q).", cb.Error, cb.Description).Keyed("oidcProviderError")
	}
	c, err := s.oidc.Exchange(ctx, site, s.oidcCallback, cb.Code, f.Verifier, f.Nonce)
	if err != nil {
		return f, nil, err
	}
	in, err := s.signInOIDC(ctx, site, c)
	if parley.ErrorCode(err) == parley.ECONFLICT && parley.ErrorKey(err) == "" {
		// Two first sign-ins of one sub raced and the other created the
		// identity: ours was undone whole, so try once more as a returning user.
		in, err = s.signInOIDC(ctx, site, c)
	}
	return f, in, err
}

// oidcSite returns the site if it signs readers in with OIDC.
func (s *Service) oidcSite(ctx context.Context, siteID string) (*parley.Site, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if s.oidc == nil || !site.OIDC.Enabled() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "This site does not sign readers in with OpenID Connect.").Keyed("oidcOff")
	}
	return site, nil
}

// signInOIDC finds or creates the user of the claims' subject, in one unit
// with their session. The same issuer and sub are the same user forever:
// name and e-mail are brought up to date, never used to find anyone.
func (s *Service) signInOIDC(ctx context.Context, site *parley.Site, c *parley.OIDCClaims) (*SignedIn, error) {
	now := s.now()
	token, hash := parley.NewSessionToken()
	se := &parley.Session{Hash: hash, SiteID: site.ID, Method: parley.MethodOIDC, CreatedAt: now, ExpiresAt: now.Add(site.SessionLifetime())}
	subject := parley.OIDCSubject(c.Issuer, c.Subject)
	var u *parley.User
	err := s.store.Update(ctx, func(tx parley.Tx) (err error) {
		u, err = tx.IdentityUser(ctx, site.ID, subject)
		switch {
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			u = &parley.User{ID: parley.NewID(now), SiteID: site.ID, CreatedAt: now}
			oidcProfile(u, c)
			if err := tx.CreateUser(ctx, u); err != nil {
				return fmt.Errorf("create oidc user: %w", err)
			}
			if err := tx.CreateIdentity(ctx, site.ID, subject, u.ID, now); err != nil {
				return fmt.Errorf("create identity: %w", err)
			}
		case err != nil:
			return fmt.Errorf("find oidc user: %w", err)
		default:
			oidcProfile(u, c)
			if err := tx.UpdateUser(ctx, u); err != nil {
				return fmt.Errorf("update oidc user: %w", err)
			}
		}
		se.UserID = u.ID
		if err := tx.CreateSession(ctx, se); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SignedIn{Session: token, ExpiresAt: se.ExpiresAt, User: u}, nil
}

// oidcProfile copies what the provider says of the reader. Roles and
// badges are the site's to give, never the provider's.
func oidcProfile(u *parley.User, c *parley.OIDCClaims) {
	u.Name, u.Email = c.Name, c.Email
	if u.Name == "" {
		u.Name = "Reader"
	}
}

// random returns 32 random bytes in unpadded base64url: a nonce, or a PKCE
// verifier (43 characters, as RFC 7636 asks at least).
func random() string {
	var b [32]byte
	rand.Read(b[:]) // never fails: see crypto/rand.Read.
	return base64.RawURLEncoding.EncodeToString(b[:])
}
