package service

import (
	"context"

	"parley"
)

// commenter returns the user a post is written by: the authorized actor's,
// or, for a guest (authorize let them in, so the site allows anonymous
// posting), a new anonymous commenter. token is the new commenter's token,
// "" when the caller already had an identity. A new commenter is stored
// with their first comment, in the same unit of work (see Post), not here.
func (s *Service) commenter(ctx context.Context, site *parley.Site, a *parley.Actor, name string) (u *parley.User, token string, err error) {
	if a != nil {
		return a.User, "", nil
	}
	token, hash := parley.NewCommenterToken()
	u = &parley.User{
		ID:        parley.NewID(s.now()),
		SiteID:    site.ID,
		Name:      name,
		TokenHash: hash,
		CreatedAt: s.now(),
	}
	return u, token, nil
}
