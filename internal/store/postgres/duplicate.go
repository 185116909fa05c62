package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// RecentBodies returns the bodies of a user's latest comments since
// since, newest first, by the author index bounded below by since's ID
// floor.
func (t *unit) RecentBodies(ctx context.Context, userID string, since time.Time, limit int) ([]parley.RecentBody, error) {
	if limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	rows, _ := t.db.Query(ctx, recentBodiesSQL, userID, parley.IDFloor(since), limit)
	bs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parley.RecentBody, error) {
		var b parley.RecentBody
		err := row.Scan(&b.SiteID, &b.Body, &b.CreatedAt)
		b.CreatedAt = b.CreatedAt.UTC()
		return b, err
	})
	if err != nil {
		return nil, translate(err, "comment")
	}
	return bs, nil
}

// recentBodiesSQL reads author $1's latest comments from ID $2 on, at
// most $3.
const recentBodiesSQL = `SELECT site_id, body, created_at FROM comments
	WHERE author_id = $1 AND id >= $2 AND status <> 'deleted' ORDER BY id DESC LIMIT $3`
