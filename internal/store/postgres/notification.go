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
// a notifier pass over the rows another is claiming at that moment, and
// whole keeps only the batches all of whose rows it locked, so that a
// batch is never split between two notifiers (two mails at once); the
// UPDATE's own lease condition, checked again on each row after another
// notifier commits, keeps a batch from being claimed twice.
const claimNotificationsSQL = `WITH due AS (
	SELECT user_id, story_id FROM pending_notifications
	GROUP BY user_id, story_id
	HAVING min(created_at) <= $4 AND bool_and(lease_until IS NULL OR lease_until <= $3)
	ORDER BY min(created_at) LIMIT $5
), locked AS (
	SELECT p.id, p.user_id, p.story_id FROM pending_notifications p JOIN due USING (user_id, story_id)
	FOR UPDATE OF p SKIP LOCKED
), whole AS (
	SELECT l.user_id, l.story_id FROM locked l GROUP BY l.user_id, l.story_id
	HAVING count(*) = (SELECT count(*) FROM pending_notifications q WHERE q.user_id = l.user_id AND q.story_id = l.story_id)
)
UPDATE pending_notifications SET lease_owner = $1, lease_until = $2
WHERE id IN (SELECT id FROM locked JOIN whole USING (user_id, story_id)) AND (lease_until IS NULL OR lease_until <= $3)
RETURNING id, site_id, user_id, story_id, comment_id, kind, entry_id, created_at`

// ClaimNotifications leases due batches to owner; see parley.Notifications.
func (s *Store) ClaimNotifications(ctx context.Context, owner string, now time.Time, lease, window time.Duration, limit int) ([]*parley.ReplyNotification, error) {
	rows, _ := s.pool.Query(ctx, claimNotificationsSQL, owner, now.Add(lease), now, now.Add(-window), limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.ReplyNotification, error) {
		n := &parley.ReplyNotification{}
		err := row.Scan(&n.ID, &n.SiteID, &n.UserID, &n.StoryID, &n.CommentID, &n.Kind, &n.EntryID, &n.CreatedAt)
		n.CreatedAt = n.CreatedAt.UTC()
		return n, err
	})
	if err != nil {
		return nil, translate(err, "notification")
	}
	parley.SortNotifications(out)
	return out, nil
}
