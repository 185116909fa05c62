package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const inboxColumns = `id, user_id, site_id, kind, story_id, comment_id, entry_id, reason, note, until, read, created_at`

// AddInboxItem stores it unless its user has it already (inbox_once) or
// is gone: a statement that fails would abort the unit's transaction, and
// a follower telling a reader who erased their account must go on.
func (t *unit) AddInboxItem(ctx context.Context, it *parley.InboxItem) (bool, error) {
	var until *time.Time
	if !it.Until.IsZero() {
		until = &it.Until
	}
	tag, err := t.db.Exec(ctx, `INSERT INTO inbox (`+inboxColumns+`)
		SELECT $1, $2, $3, $4, $5, $6, $7::bigint, $8, $9, $10::timestamptz, $11::boolean, $12::timestamptz
		WHERE EXISTS (SELECT 1 FROM users WHERE id = $2) ON CONFLICT (user_id, kind, comment_id, entry_id) DO NOTHING`,
		it.ID, it.UserID, it.SiteID, it.Kind, it.StoryID, it.CommentID, it.EntryID, it.Reason, it.Note, until, it.Read, it.CreatedAt)
	if err != nil {
		return false, translate(err, "inbox item")
	}
	return tag.RowsAffected() == 1, nil
}

// MarkInboxRead marks a user's items read: all of them, or those in ids.
func (t *unit) MarkInboxRead(ctx context.Context, userID string, ids []string) (int, error) {
	query, args := `UPDATE inbox SET read = true WHERE user_id = $1 AND NOT read`, []any{userID}
	if ids != nil {
		query, args = query+` AND id = ANY($2)`, append(args, ids)
	}
	tag, err := t.db.Exec(ctx, query, args...)
	if err != nil {
		return 0, translate(err, "inbox item")
	}
	return int(tag.RowsAffected()), nil
}

// InboxItems pages a user's items, newest first, on inbox_page.
func (s *Store) InboxItems(ctx context.Context, userID, before string, limit int) ([]*parley.InboxItem, error) {
	if limit < 1 || limit > parley.MaxInboxPage {
		return nil, parley.Errorf(parley.EINVALID, "An inbox page holds 1 to %d items.", parley.MaxInboxPage)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+inboxColumns+` FROM inbox WHERE user_id = $1 AND ($2 = '' OR id < $2)
		ORDER BY id DESC LIMIT $3`, userID, before, limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.InboxItem, error) {
		it := &parley.InboxItem{}
		var until *time.Time
		err := row.Scan(&it.ID, &it.UserID, &it.SiteID, &it.Kind, &it.StoryID, &it.CommentID, &it.EntryID,
			&it.Reason, &it.Note, &until, &it.Read, &it.CreatedAt)
		if until != nil {
			it.Until = until.UTC()
		}
		it.CreatedAt = it.CreatedAt.UTC()
		return it, err
	})
	return out, translate(err, "inbox item")
}

// UnreadInbox counts a user's unread items on inbox_unread, up to MaxUnread.
func (s *Store) UnreadInbox(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM inbox WHERE user_id = $1 AND NOT read LIMIT $2) AS u`,
		userID, parley.MaxUnread).Scan(&n)
	return n, translate(err, "inbox item")
}
