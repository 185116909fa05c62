package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley"
)

// TokenVerifier checks a publisher's SSO token against a site's keys
// (auth.SSO); every refusal is EUNAUTHORIZED with a key.
type TokenVerifier interface {
	Verify(ctx context.Context, site *parley.Site, token string) (*parley.SSOClaims, error)
}

// WithSSO lets the service exchange SSO tokens checked by v.
func WithSSO(v TokenVerifier) Option {
	return func(s *Service) { s.sso = v }
}

// SignedIn is a new session: the token, shown once, its end and its user.
type SignedIn struct {
	Session   string
	ExpiresAt time.Time
	User      *parley.User
}

// ssoSubject is the identity subject of a publisher's sub: the method
// prefix keeps SSO subs apart from the OIDC and e-mail identities to come.
func ssoSubject(sub string) string { return "sso:" + sub }

// ExchangeSSO turns a publisher's SSO token for siteID into a session. In
// one unit of work it records the token's jti (a replay is refused on any
// instance), finds the user of the token's sub or creates them with their
// identity, brings their name, e-mail, badges and role up to date, and
// stores the session; a failure anywhere leaves nothing behind. The same
// sub is the same user forever: name and e-mail are attributes, never
// keys, so a changed address neither duplicates nor fails.
func (s *Service) ExchangeSSO(ctx context.Context, siteID, token string) (*SignedIn, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, err
	}
	if s.sso == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "SSO is not enabled on this server.").Keyed("ssoOff")
	}
	claims, err := s.sso.Verify(ctx, site, token)
	if err != nil {
		return nil, err
	}
	out, err := s.signInSSO(ctx, site, claims)
	if parley.ErrorCode(err) == parley.ECONFLICT && parley.ErrorKey(err) == "" {
		// Two first exchanges of one sub raced and the other created the
		// identity: ours was undone whole, so try once more as a returning user.
		out, err = s.signInSSO(ctx, site, claims)
	}
	return out, err
}

func (s *Service) signInSSO(ctx context.Context, site *parley.Site, c *parley.SSOClaims) (*SignedIn, error) {
	now := s.now()
	token, hash := parley.NewSessionToken()
	se := &parley.Session{Hash: hash, SiteID: site.ID, Method: "sso", CreatedAt: now, ExpiresAt: now.Add(site.SessionLifetime())}
	var u *parley.User
	err := s.store.Update(ctx, func(tx parley.Tx) error {
		if c.TokenID != "" {
			if err := tx.UseTokenID(ctx, site.ID, c.TokenID, c.ExpiresAt, now); parley.ErrorCode(err) == parley.ECONFLICT {
				return parley.Errorf(parley.EUNAUTHORIZED, "This SSO token was used before; mint a new one for each sign-in.").Keyed("ssoReplayed")
			} else if err != nil {
				return fmt.Errorf("record jti: %w", err)
			}
		}
		var err error
		if u, err = s.ssoUser(ctx, tx, site, c, now); err != nil {
			return err
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
	return &SignedIn{Session: token, ExpiresAt: se.ExpiresAt, User: actingUser(site, u, se.Method)}, nil
}

// actingUser is u as a new session of method shows them: with the role
// the session may act with (parley.Site.ActingRole), so that a sign-in
// answers what /me will.
func actingUser(site *parley.Site, u *parley.User, method string) *parley.User {
	out := *u
	out.Role = site.ActingRole(u, method)
	return &out
}

// ssoUser returns the sub's user, created or updated from the claims.
func (s *Service) ssoUser(ctx context.Context, tx parley.Tx, site *parley.Site, c *parley.SSOClaims, now time.Time) (*parley.User, error) {
	u, err := tx.IdentityUser(ctx, site.ID, ssoSubject(c.Subject))
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		u = &parley.User{ID: parley.NewID(now), SiteID: site.ID, CreatedAt: now}
		applyClaims(u, site, c)
		if err := tx.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("create sso user: %w", err)
		}
		if err := tx.CreateIdentity(ctx, site.ID, ssoSubject(c.Subject), u.ID, now); err != nil {
			return nil, fmt.Errorf("create identity: %w", err)
		}
		return u, nil
	case err != nil:
		return nil, fmt.Errorf("find sso user: %w", err)
	}
	applyClaims(u, site, c)
	if err := tx.UpdateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("update sso user: %w", err)
	}
	return u, nil
}

// applyClaims copies what the publisher says about the reader. The role
// follows the token only where the site honours it (the verifier leaves
// Role empty elsewhere); a token without a role leaves the stored one.
func applyClaims(u *parley.User, site *parley.Site, c *parley.SSOClaims) {
	u.Name = strings.TrimSpace(c.Name)
	if u.Name == "" {
		u.Name = "Reader"
	}
	u.Email, u.Badges = c.Email, c.Badges
	if r, err := parley.ParseRole(c.Role); err == nil && site.SSO.Roles {
		u.Role = r
	}
}

// checkOrigin refuses a browser on an origin the site does not allow, as
// authorize does for the use cases on comments.
func checkOrigin(ctx context.Context, site *parley.Site) error {
	if o := parley.OriginFrom(ctx); o != "" && !site.AllowsOrigin(o) {
		return parley.Errorf(parley.EFORBIDDEN, "This site does not accept requests from %s.", o).Keyed("originNotAllowed")
	}
	return nil
}

// SignOut ends the caller's session, or every session of theirs when
// everywhere is set. Only a session can be signed out of.
func (s *Service) SignOut(ctx context.Context, siteID string, everywhere bool) error {
	a := parley.ActorFrom(ctx)
	if a == nil || a.Method != parley.MethodSession || a.SiteID != siteID {
		return parley.Errorf(parley.EUNAUTHORIZED, "Sign in to sign out.").Keyed("sessionRequired")
	}
	if everywhere {
		if _, err := s.store.DeleteUserSessions(ctx, a.User.ID); err != nil {
			return fmt.Errorf("sign out everywhere: %w", err)
		}
		return nil
	}
	if err := s.store.DeleteSession(ctx, a.Session); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// Me returns the caller's user on siteID; EUNAUTHORIZED without one.
func (s *Service) Me(ctx context.Context, siteID string) (*parley.User, error) {
	a := parley.ActorFrom(ctx)
	if a == nil || a.SiteID != siteID {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "You are not signed in on this site.")
	}
	u := *a.User
	u.Role = a.Role
	return &u, nil
}
