package sqlite

import (
	"context"
	"time"

	"parley"
)

// claimNotificationsSQL leases the due batches in one statement: ?1 owner,
// ?2 lease end, ?3 now, ?4 the newest oldest-notification a due batch may
// have (now - window), ?5 batches. SQLite has one writer (ours), so no
// other notifier claims between the inner SELECT and the UPDATE.
const claimNotificationsSQL = `UPDATE pending_notifications SET lease_owner = ?1, lease_until = ?2
	WHERE (user_id, story_id) IN (SELECT user_id, story_id FROM pending_notifications
		GROUP BY user_id, story_id
		HAVING min(created_at) <= ?4 AND max(lease_until) <= ?3
		ORDER BY min(created_at) LIMIT ?5)
	RETURNING id, site_id, user_id, story_id, comment_id, kind, entry_id, created_at`

// ClaimNotifications leases due batches to owner; see parley.Notifications.
func (s *Store) ClaimNotifications(ctx context.Context, owner string, now time.Time, lease, window time.Duration, limit int) ([]*parley.ReplyNotification, error) {
	var out []*parley.ReplyNotification
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		out = out[:0]
		rows, err := tx.tx.QueryContext(ctx, claimNotificationsSQL, owner, millis(now.Add(lease)), millis(now), millis(now.Add(-window)), limit)
		out, err = appendRows(out, rows, err, scanNotification, "Notification", "User")
		return err
	})
	parley.SortNotifications(out)
	return out, err
}

func scanNotification(row scanner) (*parley.ReplyNotification, error) {
	n := &parley.ReplyNotification{}
	var at int64
	err := row.Scan(&n.ID, &n.SiteID, &n.UserID, &n.StoryID, &n.CommentID, &n.Kind, &n.EntryID, &at)
	n.CreatedAt = fromMillis(at)
	return n, err
}
