package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

const inboxColumns = `id, user_id, site_id, kind, story_id, comment_id, entry_id, reason, note, until, read, created_at`

// AddInboxItem stores it as a unit of its own.
func (s *Store) AddInboxItem(ctx context.Context, it *parley.InboxItem) (bool, error) {
	var added bool
	err := s.writeUnit(ctx, func(w *unit) (err error) { added, err = w.AddInboxItem(ctx, it); return err })
	return added, err
}

// AddInboxItem stores it in the unit unless its user has it already (the
// inbox_once index) or is gone.
func (w *unit) AddInboxItem(_ context.Context, it *parley.InboxItem) (bool, error) {
	var until int64
	if !it.Until.IsZero() {
		until = millis(it.Until)
	}
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO inbox (`+inboxColumns+`)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)
		ON CONFLICT (user_id, kind, comment_id, entry_id) DO NOTHING`,
		it.ID, it.UserID, it.SiteID, it.Kind, it.StoryID, it.CommentID, it.EntryID, it.Reason, it.Note, until, it.Read, millis(it.CreatedAt))
	if err != nil {
		return false, mapError(err, "Inbox item", "User")
	}
	n, err := res.RowsAffected()
	return n == 1, mapError(err, "Inbox item", "User")
}

// MarkInboxRead marks a user's items read as a unit of its own.
func (s *Store) MarkInboxRead(ctx context.Context, userID string, ids []string) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) { n, err = w.MarkInboxRead(ctx, userID, ids); return err })
	return n, err
}

// MarkInboxRead marks a user's items read in the unit; the IDs go as one
// JSON array, so that any number of them is one statement.
func (w *unit) MarkInboxRead(_ context.Context, userID string, ids []string) (int, error) {
	query, args := `UPDATE inbox SET read = 1 WHERE user_id = ? AND NOT read`, []any{userID}
	if ids != nil {
		list, err := json.Marshal(ids)
		if err != nil {
			return 0, fmt.Errorf("sqlite: encode inbox IDs: %w", err)
		}
		query, args = query+` AND id IN (SELECT value FROM json_each(?))`, append(args, string(list))
	}
	res, err := w.tx.ExecContext(w.ctx, query, args...)
	if err != nil {
		return 0, mapError(err, "Inbox item", "User")
	}
	n, err := res.RowsAffected()
	return int(n), mapError(err, "Inbox item", "User")
}

// InboxItems pages a user's items, newest first, on inbox_page.
func (s *Store) InboxItems(ctx context.Context, userID, before string, limit int) ([]*parley.InboxItem, error) {
	if limit < 1 || limit > parley.MaxInboxPage {
		return nil, parley.Errorf(parley.EINVALID, "An inbox page holds 1 to %d items.", parley.MaxInboxPage)
	}
	query, args := `SELECT `+inboxColumns+` FROM inbox WHERE user_id = ?`, []any{userID}
	if before != "" {
		query, args = query+` AND id < ?`, append(args, before)
	}
	rows, err := s.read.QueryContext(ctx, query+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	return appendRows(nil, rows, err, scanInboxItem, "Inbox item", "User")
}

// UnreadInbox counts a user's unread items on the partial index inbox_unread,
// stopping at MaxUnread.
func (s *Store) UnreadInbox(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM inbox WHERE user_id = ? AND NOT read LIMIT ?)`,
		userID, parley.MaxUnread).Scan(&n)
	return n, mapError(err, "Inbox item", "User")
}

func scanInboxItem(row scanner) (*parley.InboxItem, error) {
	it := &parley.InboxItem{}
	var until, created int64
	err := row.Scan(&it.ID, &it.UserID, &it.SiteID, &it.Kind, &it.StoryID, &it.CommentID, &it.EntryID,
		&it.Reason, &it.Note, &until, &it.Read, &created)
	if until != 0 {
		it.Until = fromMillis(until)
	}
	it.CreatedAt = fromMillis(created)
	return it, err
}
