package sqlite

import (
	"context"
	"database/sql"
	"time"

	"parley"
)

// This file holds parley.Accounts: a reader's settings, what Parley holds
// of them, and erasing it. Reads on the Store use the read pool; in a unit
// they read the unit's transaction.

// rowsQuery is what the read pool and a unit's transaction have in common
// for reads of many rows.
type rowsQuery func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

func (w *unit) rows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.tx.tx.QueryContext(ctx, query, args...)
}

// NotificationSettings returns a user's settings; ENOTFOUND.
func (s *Store) NotificationSettings(ctx context.Context, userID string) (*parley.NotificationSettings, error) {
	return readSettings(ctx, s.queryRow, userID)
}

// NotificationSettings returns a user's settings as the unit sees them.
func (w *unit) NotificationSettings(_ context.Context, userID string) (*parley.NotificationSettings, error) {
	return readSettings(w.ctx, w.row, userID)
}

func readSettings(ctx context.Context, row rowQuery, userID string) (*parley.NotificationSettings, error) {
	n := &parley.NotificationSettings{}
	var updated int64
	err := row(ctx, `SELECT user_id, site_id, replies, decisions, lang, updated_at FROM notification_settings WHERE user_id = ?`, userID).
		Scan(&n.UserID, &n.SiteID, &n.Replies, &n.Decisions, &n.Lang, &updated)
	if err != nil {
		return nil, mapError(err, "Notification settings", "User")
	}
	n.UpdatedAt = fromMillis(updated)
	return n, nil
}

// SetNotificationSettings stores a user's settings as a unit of its own.
func (s *Store) SetNotificationSettings(ctx context.Context, n *parley.NotificationSettings) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.SetNotificationSettings(ctx, n) })
}

// SetNotificationSettings stores a user's settings in the unit; ENOTFOUND
// if the user does not exist (the foreign key).
func (w *unit) SetNotificationSettings(_ context.Context, n *parley.NotificationSettings) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO notification_settings (user_id, site_id, replies, decisions, lang, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET replies = excluded.replies,
		decisions = excluded.decisions, lang = excluded.lang, updated_at = excluded.updated_at`,
		n.UserID, n.SiteID, n.Replies, n.Decisions, n.Lang, millis(n.UpdatedAt))
	return mapError(err, "Notification settings", "User")
}

// AddReplyNotification stores n as a unit of its own if its user wants it.
func (s *Store) AddReplyNotification(ctx context.Context, n *parley.ReplyNotification) (bool, error) {
	var ok bool
	err := s.writeUnit(ctx, func(w *unit) (err error) { ok, err = w.AddReplyNotification(ctx, n); return err })
	return ok, err
}

// AddReplyNotification stores n in the unit if its user has its mails
// on: replies for a reply, decisions for a decision.
func (w *unit) AddReplyNotification(_ context.Context, n *parley.ReplyNotification) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO pending_notifications (id, site_id, user_id, story_id, comment_id, kind, entry_id, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM notification_settings
		WHERE user_id = ? AND CASE WHEN ? = '' THEN replies ELSE decisions END`,
		n.ID, n.SiteID, n.UserID, n.StoryID, n.CommentID, n.Kind, n.EntryID, millis(n.CreatedAt), n.UserID, n.Kind)
	if err != nil {
		return false, mapError(err, "Notification", "User")
	}
	added, err := res.RowsAffected()
	return added == 1, mapError(err, "Notification", "User")
}

// DoneNotifications deletes owner's leased notifications as a unit.
func (s *Store) DoneNotifications(ctx context.Context, owner string, ids []string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.DoneNotifications(ctx, owner, ids) })
}

// DoneNotifications deletes owner's leased notifications in the unit;
// ENOTFOUND unless owner held every one.
func (w *unit) DoneNotifications(_ context.Context, owner string, ids []string) error {
	for _, id := range ids {
		res, err := w.tx.ExecContext(w.ctx, `DELETE FROM pending_notifications WHERE id = ? AND lease_owner = ?`, id, owner)
		if err != nil {
			return mapError(err, "Notification", "User")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return parley.Errorf(parley.ENOTFOUND, "Notification not found or not leased to this notifier.")
		}
	}
	return nil
}

// authorCommentsQuery returns the SQL that pages a user's comments newest
// first: ?1 author, ?2 before, ?3 limit. INDEXED BY makes SQLite fail
// rather than fall back to a scan and a sort if comments_author_time
// cannot serve it; the first page has no seek, the export no status filter.
func authorCommentsQuery(q parley.AuthorQuery) string {
	query := `SELECT ` + commentColumns + ` FROM comments INDEXED BY comments_author_time WHERE author_id = ?1`
	if q.Before != "" {
		query += ` AND id < ?2`
	} else {
		query += ` AND ?2 = ''`
	}
	if !q.Deleted {
		query += ` AND status <> 'deleted'`
	}
	return query + ` ORDER BY id DESC LIMIT ?3`
}

// AuthorComments returns one page of a user's comments.
func (s *Store) AuthorComments(ctx context.Context, q parley.AuthorQuery) ([]*parley.Comment, error) {
	return authorComments(ctx, s.read.QueryContext, q)
}

// AuthorComments returns one page of a user's comments as the unit sees them.
func (w *unit) AuthorComments(_ context.Context, q parley.AuthorQuery) ([]*parley.Comment, error) {
	return authorComments(w.ctx, w.rows, q)
}

func authorComments(ctx context.Context, query rowsQuery, q parley.AuthorQuery) ([]*parley.Comment, error) {
	if q.Limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	rows, err := query(ctx, authorCommentsQuery(q), q.UserID, q.Before, q.Limit)
	return appendComments(nil, rows, err)
}

// AuthorReactions returns a user's reactions, oldest first.
func (s *Store) AuthorReactions(ctx context.Context, userID string) ([]parley.Reaction, error) {
	return authorReactions(ctx, s.read.QueryContext, userID)
}

// AuthorReactions returns a user's reactions as the unit sees them.
func (w *unit) AuthorReactions(_ context.Context, userID string) ([]parley.Reaction, error) {
	return authorReactions(w.ctx, w.rows, userID)
}

func authorReactions(ctx context.Context, query rowsQuery, userID string) ([]parley.Reaction, error) {
	rows, err := query(ctx, `SELECT comment_id, created_at FROM reactions WHERE user_id = ? ORDER BY created_at, comment_id`, userID)
	return appendRows(nil, rows, err, func(row scanner) (parley.Reaction, error) {
		var r parley.Reaction
		var at int64
		err := row.Scan(&r.CommentID, &at)
		r.CreatedAt = fromMillis(at)
		return r, err
	}, "Reaction", "User")
}

// AuthorReports returns the reports a user filed, oldest first.
func (s *Store) AuthorReports(ctx context.Context, userID string) ([]*parley.Report, error) {
	return authorReports(ctx, s.read.QueryContext, userID)
}

// AuthorReports returns a user's reports as the unit sees them.
func (w *unit) AuthorReports(_ context.Context, userID string) ([]*parley.Report, error) {
	return authorReports(w.ctx, w.rows, userID)
}

func authorReports(ctx context.Context, query rowsQuery, userID string) ([]*parley.Report, error) {
	rows, err := query(ctx, `SELECT id, comment_id, user_id, reason, note, created_at FROM reports
		WHERE user_id = ? ORDER BY created_at, id`, userID)
	return appendRows(nil, rows, err, func(row scanner) (*parley.Report, error) {
		r := &parley.Report{}
		var at int64
		err := row.Scan(&r.ID, &r.CommentID, &r.UserID, &r.Reason, &r.Note, &at)
		r.CreatedAt = fromMillis(at)
		return r, err
	}, "Report", "User")
}

// UserIdentities returns a user's sign-in subjects, oldest first.
func (s *Store) UserIdentities(ctx context.Context, userID string) ([]parley.Identity, error) {
	return userIdentities(ctx, s.read.QueryContext, userID)
}

// UserIdentities returns a user's subjects as the unit sees them.
func (w *unit) UserIdentities(_ context.Context, userID string) ([]parley.Identity, error) {
	return userIdentities(w.ctx, w.rows, userID)
}

func userIdentities(ctx context.Context, query rowsQuery, userID string) ([]parley.Identity, error) {
	rows, err := query(ctx, `SELECT subject, created_at FROM identities WHERE user_id = ? ORDER BY created_at, subject`, userID)
	return appendRows(nil, rows, err, func(row scanner) (parley.Identity, error) {
		var id parley.Identity
		var at int64
		err := row.Scan(&id.Subject, &at)
		id.CreatedAt = fromMillis(at)
		return id, err
	}, "Identity", "User")
}

// UserSessions returns a user's sessions, oldest first.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]*parley.Session, error) {
	return userSessions(ctx, s.read.QueryContext, userID)
}

// UserSessions returns a user's sessions as the unit sees them.
func (w *unit) UserSessions(_ context.Context, userID string) ([]*parley.Session, error) {
	return userSessions(w.ctx, w.rows, userID)
}

func userSessions(ctx context.Context, query rowsQuery, userID string) ([]*parley.Session, error) {
	rows, err := query(ctx, `SELECT hash, user_id, site_id, method, created_at, expires_at FROM sessions
		WHERE user_id = ? ORDER BY created_at, hash`, userID)
	return appendRows(nil, rows, err, func(row scanner) (*parley.Session, error) {
		se := &parley.Session{}
		var created, expires int64
		err := row.Scan(&se.Hash, &se.UserID, &se.SiteID, &se.Method, &created, &expires)
		se.CreatedAt, se.ExpiresAt = fromMillis(created), fromMillis(expires)
		return se, err
	}, "Session", "User")
}

// eraseSQL is what EraseUser deletes outright, one statement per table
// that holds a user's rows (?1 the user): a table added later is one
// more line here.
var eraseSQL = []string{
	`DELETE FROM sessions WHERE user_id = ?1`,
	`DELETE FROM identities WHERE user_id = ?1`,
	`DELETE FROM notification_settings WHERE user_id = ?1`,
	`DELETE FROM pending_notifications WHERE user_id = ?1`,
	`DELETE FROM passkeys WHERE user_id = ?1`,
	`DELETE FROM passkey_ceremonies WHERE user_id = ?1`,
	`DELETE FROM signin_codes WHERE user_id = ?1`,
	// the texts of their comments, kept for moderators; the audit log,
	// which holds no comment text, stays as the host's record
	`DELETE FROM comment_revisions WHERE comment_id IN (SELECT id FROM comments WHERE author_id = ?1)`,
	`DELETE FROM inbox WHERE user_id = ?1`,
}

// EraseUser erases a user as a unit of its own.
func (s *Store) EraseUser(ctx context.Context, userID string, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.EraseUser(ctx, userID, at) })
}

// EraseUser erases a user in the unit; see parley.Accounts.
func (w *unit) EraseUser(_ context.Context, userID string, at time.Time) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE users SET name = '', email = '', badges = '[]', token_hash = '' WHERE id = ?`, userID)
	if err != nil {
		return mapError(err, "User", "Site")
	}
	if err := notFoundUnless(res, "User"); err != nil {
		return err
	}
	for _, q := range eraseSQL {
		if _, err := w.tx.ExecContext(w.ctx, q, userID); err != nil {
			return mapError(err, "User", "Site")
		}
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO events (site_id, story_id, type, comment_id, created_at)
		SELECT site_id, story_id, ?, id, ? FROM comments WHERE author_id = ? AND status = 'approved' ORDER BY id`,
		parley.EventCommentEdited, millis(at), userID)
	if err != nil {
		return mapError(err, "Event", "Story")
	}
	_, err = w.tx.ExecContext(w.ctx, `UPDATE comments SET author_name = '' WHERE author_id = ?`, userID)
	return mapError(err, "Comment", "Story")
}

// PurgeAddresses forgets old address hashes of a site's comments and
// reports, on the partial indexes that hold only rows with a hash.
func (s *Store) PurgeAddresses(ctx context.Context, siteID string, before time.Time) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) { n, err = w.PurgeAddresses(ctx, siteID, before); return err })
	return n, err
}

// PurgeAddresses forgets old address hashes in the unit.
func (w *unit) PurgeAddresses(_ context.Context, siteID string, before time.Time) (int, error) {
	var n int64
	for _, q := range []string{
		`UPDATE comments SET ip_hash = NULL WHERE site_id = ?1 AND created_at < ?2 AND ip_hash IS NOT NULL`,
		`UPDATE reports SET ip_hash = NULL WHERE created_at < ?2 AND ip_hash IS NOT NULL
			AND comment_id IN (SELECT id FROM comments WHERE site_id = ?1)`,
	} {
		res, err := w.tx.ExecContext(w.ctx, q, siteID, millis(before))
		if err != nil {
			return 0, mapError(err, "Comment", "Site")
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		n += m
	}
	return int(n), nil
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
