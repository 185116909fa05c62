package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// claimNotificationsSQL leases the due batches in one statement: $1
// owner, $2 lease end, $3 now, $4 the newest oldest-notification a due
// batch may have (now - window), $5 batches. FOR UPDATE SKIP LOCKED makes
// a notifier pass over the rows another is claiming at that moment; the
// UPDATE's own lease condition, checked again on the row after that
// notifier commits, keeps a batch from being claimed twice.
const claimNotificationsSQL = `WITH due AS (
	SELECT user_id, story_id FROM pending_notifications
	GROUP BY user_id, story_id
	HAVING min(created_at) <= $4 AND bool_and(lease_until IS NULL OR lease_until <= $3)
	ORDER BY min(created_at) LIMIT $5
), rows AS (
	SELECT p.id FROM pending_notifications p JOIN due USING (user_id, story_id)
	FOR UPDATE OF p SKIP LOCKED
)
UPDATE pending_notifications SET lease_owner = $1, lease_until = $2
WHERE id IN (SELECT id FROM rows) AND (lease_until IS NULL OR lease_until <= $3)
RETURNING id, site_id, user_id, story_id, comment_id, created_at`

// ClaimNotifications leases due batches to owner; see parley.Notifications.
func (s *Store) ClaimNotifications(ctx context.Context, owner string, now time.Time, lease, window time.Duration, limit int) ([]*parley.ReplyNotification, error) {
	rows, _ := s.pool.Query(ctx, claimNotificationsSQL, owner, now.Add(lease), now, now.Add(-window), limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.ReplyNotification, error) {
		n := &parley.ReplyNotification{}
		err := row.Scan(&n.ID, &n.SiteID, &n.UserID, &n.StoryID, &n.CommentID, &n.CreatedAt)
		n.CreatedAt = n.CreatedAt.UTC()
		return n, err
	})
	if err != nil {
		return nil, translate(err, "notification")
	}
	parley.SortNotifications(out)
	return out, nil
}
