package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley"
)

// standingsQuery leaves out commenters without badges, most authors of
// most pages; the IDs come as one array, so any page is one statement.
const standingsQuery = `SELECT id, role, badges FROM users
	WHERE site_id = $1 AND id = ANY($2)
	AND (role IN ('staff', 'moderator', 'admin') OR badges <> '[]')`

// Standings returns the staff roles and badges of the named users who
// have any.
func (s *Store) Standings(ctx context.Context, siteID string, userIDs []string) (map[string]parley.Standing, error) {
	if len(userIDs) > parley.MaxStandings {
		return nil, parley.Errorf(parley.EINVALID, "Ask for at most %d authors at once.", parley.MaxStandings)
	}
	out := make(map[string]parley.Standing)
	if len(userIDs) == 0 {
		return out, nil
	}
	rows, _ := s.pool.Query(ctx, standingsQuery, siteID, userIDs)
	var id, role, badges string
	_, err := pgx.ForEachRow(rows, []any{&id, &role, &badges}, func() error {
		st, err := parley.ParseStanding(role, badges)
		if err != nil {
			return fmt.Errorf("postgres: standing of user %s: %w", id, err)
		}
		out[id] = st
		return nil
	})
	if err != nil {
		return nil, translate(err, "user")
	}
	return out, nil
}
