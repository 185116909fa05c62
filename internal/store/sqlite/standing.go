package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// standingsQuery takes the IDs as one JSON array, so that a page of any
// size is one statement, prepared once. Commenters without badges are left
// out by the query: most authors of most pages are such.
const standingsQuery = `SELECT id, role, badges FROM users
	WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))
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
	ids, err := json.Marshal(userIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: encode user IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, standingsQuery, siteID, string(ids))
	if err != nil {
		return nil, mapError(err, "User", "Site")
	}
	defer rows.Close()
	for rows.Next() {
		var id, role, badges string
		if err := rows.Scan(&id, &role, &badges); err != nil {
			return nil, mapError(err, "User", "Site")
		}
		st, err := parley.ParseStanding(role, badges)
		if err != nil {
			return nil, fmt.Errorf("sqlite: standing of user %s: %w", id, err)
		}
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "User", "Site")
	}
	return out, nil
}
