package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"parley"
)

// tokenPrefix marks commenter tokens so that they are recognizable in logs
// and secret scanners, and cannot be confused with SSO tokens later.
const tokenPrefix = "pct_"

// Authenticate returns the commenter that token was given to. An unknown or
// malformed token is EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (*parley.User, error) {
	if len(token) != len(tokenPrefix)+43 || token[:len(tokenPrefix)] != tokenPrefix {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The commenter token is not valid.")
	}
	hash := hashToken(token)
	if u, ok := s.users.get(hash); ok {
		return u, nil
	}
	u, err := s.store.UserByTokenHash(ctx, hash)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "The commenter token is not valid.")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	s.users.put(hash, u)
	return u, nil
}

// actor returns the caller, making an anonymous commenter on a site that
// allows them when the caller has no identity yet. token is the new
// commenter's token, "" when the caller already had one; the new commenter
// is stored with their first comment (see postIn), not here.
func (s *Service) actor(ctx context.Context, site *parley.Site, name string) (u *parley.User, token string, err error) {
	if err := mayTakePart(ctx, site); err != nil {
		return nil, "", err
	}
	if u := parley.UserFrom(ctx); u != nil {
		return u, "", nil
	}
	token = newToken()
	u = &parley.User{
		ID:        parley.NewID(s.now()),
		SiteID:    site.ID,
		Name:      name,
		TokenHash: hashToken(token),
		CreatedAt: s.now(),
	}
	return u, token, nil
}

// mayTakePart refuses a caller who may not write on site: a commenter of
// another site, or an anonymous reader where the site wants an account.
func mayTakePart(ctx context.Context, site *parley.Site) error {
	if u := parley.UserFrom(ctx); u != nil {
		if u.SiteID != site.ID {
			return parley.Errorf(parley.EFORBIDDEN, "This commenter belongs to another site.")
		}
		return nil
	}
	if !site.AllowAnonymous {
		return parley.Errorf(parley.EUNAUTHORIZED, "Please sign in to take part.")
	}
	return nil
}

// caller returns the signed-in user or EUNAUTHORIZED.
func caller(ctx context.Context) (*parley.User, error) {
	u := parley.UserFrom(ctx)
	if u == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "Please sign in or use the token you were given when you posted.")
	}
	return u, nil
}

func newToken() string {
	var b [32]byte
	rand.Read(b[:])
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// hashToken is what the store keeps of a token: a leaked database does not
// let anyone act as a commenter.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
