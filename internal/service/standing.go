package service

import (
	"context"
	"fmt"

	"parley"
)

// standingOf is what the thread shows of u beside their name, for a
// comment u has just written.
func standingOf(u *parley.User) parley.Standing {
	st := parley.Standing{Badges: u.Badges}
	if r := u.UserRole(); r.Staff() {
		st.Role = r
	}
	return st
}

// withStandings fills the Author standing of every comment of nodes and
// their replies with one store call for the whole page. A page is made
// once and then served from the page cache, so a role change shows when
// the cached page is made again (5 s at most, see pagecache).
func (s *Service) withStandings(ctx context.Context, siteID string, nodes []*Node) error {
	var ids []string
	seen := make(map[string]bool)
	var walk func([]*Node)
	walk = func(level []*Node) {
		for _, n := range level {
			if id := n.AuthorID; id != "" && !seen[id] && len(ids) < parley.MaxStandings {
				seen[id] = true
				ids = append(ids, id)
			}
			walk(n.Replies)
		}
	}
	walk(nodes)
	if len(ids) == 0 {
		return nil
	}
	standings, err := s.store.Standings(ctx, siteID, ids)
	if err != nil {
		return fmt.Errorf("standings: %w", err)
	}
	var fill func([]*Node)
	fill = func(level []*Node) {
		for _, n := range level {
			n.Author = standings[n.AuthorID]
			fill(n.Replies)
		}
	}
	fill(nodes)
	return nil
}

// withStanding fills the Author standing of one comment.
func (s *Service) withStanding(ctx context.Context, c *parley.Comment) error {
	return s.withStandings(ctx, c.SiteID, []*Node{{Comment: c}})
}
