package sqlite

import (
	"context"
	"time"

	"parley"
)

// RecentBodies returns the bodies of a user's latest comments since
// since, newest first, by the author index bounded below by since's ID
// floor.
func (s *Store) RecentBodies(ctx context.Context, userID string, since time.Time, limit int) ([]parley.RecentBody, error) {
	if limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT site_id, body, created_at FROM comments INDEXED BY comments_author_time
		WHERE author_id = ? AND id >= ? AND status <> 'deleted' ORDER BY id DESC LIMIT ?`, userID, parley.IDFloor(since), limit)
	return appendRows(nil, rows, err, func(row scanner) (parley.RecentBody, error) {
		var b parley.RecentBody
		var at int64
		err := row.Scan(&b.SiteID, &b.Body, &at)
		b.CreatedAt = fromMillis(at)
		return b, err
	}, "Comment", "User")
}
