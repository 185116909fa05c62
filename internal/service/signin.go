package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley"
)

var (
	errLinkInvalid = parley.Errorf(parley.EUNAUTHORIZED, "This sign-in link has expired or was used already; ask for a new one.").Keyed("emailLinkInvalid")
	errCodeInvalid = parley.Errorf(parley.EUNAUTHORIZED, "The sign-in code is unknown, used or expired; sign in again.").Keyed("signInCodeInvalid")
)

// PendingLink is a sign-in link as the page it opens shows it, before it
// is used: opening a link must not use it, since mail scanners open every
// link they see.
type PendingLink struct {
	Site   *parley.Site
	Lang   string
	Return string // "" for none
	// Live is false when the link was used or has expired; the page then
	// says so and offers the way back to ask for a new one.
	Live bool
}

// EmailLink returns the link that token opens, without using it;
// EUNAUTHORIZED (emailLinkInvalid) for a token that names no link.
func (s *Service) EmailLink(ctx context.Context, token string) (*PendingLink, error) {
	if !parley.WellFormedSignInLink(token) {
		return nil, errLinkInvalid
	}
	l, err := s.store.SignInLink(ctx, parley.HashSignInLink(token))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errLinkInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("sign-in link: %w", err)
	}
	site, err := s.Site(ctx, l.SiteID)
	if err != nil {
		return nil, err
	}
	live := l.UsedAt.IsZero() && s.now().Before(l.ExpiresAt)
	return &PendingLink{Site: site, Lang: l.Lang, Return: s.checkLinkReturn(site, l.Return), Live: live}, nil
}

// LinkUsed is what using a sign-in link gave: with a return URL, a code for
// the page there to exchange; without, the session itself.
type LinkUsed struct {
	Site     *parley.Site
	Lang     string
	Return   string    // "" for none
	Code     string    // with Return: the one-time code, valid SignInCodeTTL
	SignedIn *SignedIn // without Return
}

// UseEmailLink signs in with a link, once: in one unit of work it marks
// the link used (of two concurrent uses one wins, the other is refused),
// finds the user of the address's identity or creates them, and stores a
// code (with a return URL) or a session (without). EUNAUTHORIZED
// (emailLinkInvalid) for an unknown, used or expired link.
func (s *Service) UseEmailLink(ctx context.Context, token string) (*LinkUsed, error) {
	if !parley.WellFormedSignInLink(token) {
		return nil, errLinkInvalid
	}
	out, err := s.useLink(ctx, parley.HashSignInLink(token))
	if parley.ErrorCode(err) == parley.ECONFLICT && parley.ErrorKey(err) == "" {
		// Two first sign-ins of one address raced on its identity and
		// the other won: ours was undone whole, link included, so try
		// once more as a returning reader.
		out, err = s.useLink(ctx, parley.HashSignInLink(token))
	}
	return out, err
}

func (s *Service) useLink(ctx context.Context, hash string) (*LinkUsed, error) {
	now := s.now()
	out := &LinkUsed{}
	err := s.store.Update(ctx, func(tx parley.Tx) error {
		l, err := tx.UseSignInLink(ctx, hash, now)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return errLinkInvalid
		}
		if err != nil {
			return fmt.Errorf("use link: %w", err)
		}
		if out.Site, err = tx.Site(ctx, l.SiteID); err != nil {
			return fmt.Errorf("link site: %w", err)
		}
		u, err := emailUser(ctx, tx, out.Site, l.Email, now)
		if err != nil {
			return err
		}
		out.Lang, out.Return = l.Lang, s.checkLinkReturn(out.Site, l.Return)
		if out.Return != "" {
			out.Code, err = createCode(ctx, tx, out.Site, u, parley.MethodEmail, now)
			return err
		}
		out.SignedIn, err = createSession(ctx, tx, out.Site, u, parley.MethodEmail, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkLinkReturn checks a stored return URL again before it is used: the
// site's origins may have changed since the link was made.
func (s *Service) checkLinkReturn(site *parley.Site, ret string) string {
	if s.links == nil {
		return ""
	}
	return s.links.checkReturn(site, ret)
}

// emailUser returns the user of an address's identity on the site, made
// now if there is none: named by the part before the @ until they change
// it, with the address kept (never shown).
func emailUser(ctx context.Context, tx parley.Tx, site *parley.Site, address string, now time.Time) (*parley.User, error) {
	u, err := tx.IdentityUser(ctx, site.ID, emailSubject(address))
	switch {
	case err == nil:
		return u, nil
	case parley.ErrorCode(err) != parley.ENOTFOUND:
		return nil, fmt.Errorf("find e-mail user: %w", err)
	}
	local, _, _ := strings.Cut(address, "@")
	u = &parley.User{ID: parley.NewID(now), SiteID: site.ID, Name: local, Email: address, Role: parley.RoleCommenter, CreatedAt: now}
	if err := tx.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("create e-mail user: %w", err)
	}
	if err := tx.CreateIdentity(ctx, site.ID, emailSubject(address), u.ID, now); err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	return u, nil
}

// createCode stores a one-time code that signs u in by method, and
// returns it.
func createCode(ctx context.Context, tx parley.Tx, site *parley.Site, u *parley.User, method string, now time.Time) (string, error) {
	code, hash := parley.NewSignInCode()
	c := &parley.SignInCode{Hash: hash, SiteID: site.ID, UserID: u.ID, Method: method, CreatedAt: now, ExpiresAt: now.Add(parley.SignInCodeTTL)}
	if err := tx.CreateSignInCode(ctx, c); err != nil {
		return "", fmt.Errorf("create code: %w", err)
	}
	return code, nil
}

// createSession stores a new session of u, made by method.
func createSession(ctx context.Context, tx parley.Tx, site *parley.Site, u *parley.User, method string, now time.Time) (*SignedIn, error) {
	token, hash := parley.NewSessionToken()
	se := &parley.Session{Hash: hash, UserID: u.ID, SiteID: site.ID, Method: method, CreatedAt: now, ExpiresAt: now.Add(site.SessionLifetime())}
	if err := tx.CreateSession(ctx, se); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return &SignedIn{Session: token, ExpiresAt: se.ExpiresAt, User: u}, nil
}

// ExchangeSignInCode turns a one-time sign-in code of the site into a
// session, once. EUNAUTHORIZED (signInCodeInvalid) for a code that is
// unknown, used, expired or of another site.
func (s *Service) ExchangeSignInCode(ctx context.Context, siteID, code string) (*SignedIn, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, err
	}
	if !parley.WellFormedSignInCode(code) {
		return nil, errCodeInvalid
	}
	now := s.now()
	var out *SignedIn
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		c, err := tx.UseSignInCode(ctx, site.ID, parley.HashSignInCode(code), now)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return errCodeInvalid
		}
		if err != nil {
			return fmt.Errorf("use code: %w", err)
		}
		u, err := tx.User(ctx, c.UserID)
		if err != nil {
			return fmt.Errorf("code user: %w", err)
		}
		out, err = createSession(ctx, tx, site, u, c.Method, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
