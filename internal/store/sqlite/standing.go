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
// The IDs drive the join (CROSS JOIN keeps SQLite from reordering it),
// so each is one primary-key lookup: with the IN subquery SQLite scanned
// the users, 0.7 ms for 50 IDs among 10,000 users.
const standingsQuery = `SELECT DISTINCT u.id, u.role, u.badges FROM json_each(?2) AS j CROSS JOIN users AS u
	WHERE u.id = j.value AND u.site_id = ?1
	AND (u.role IN ('staff', 'moderator', 'admin') OR u.badges <> '[]')`

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
