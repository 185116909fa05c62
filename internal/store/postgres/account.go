package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// This file holds parley.Accounts: a reader's settings, what Parley holds
// of them, and erasing it.

// NotificationSettings returns a user's settings; ENOTFOUND.
func (t *unit) NotificationSettings(ctx context.Context, userID string) (*parley.NotificationSettings, error) {
	rows, _ := t.db.Query(ctx, `SELECT user_id, site_id, replies, decisions, lang, updated_at FROM notification_settings WHERE user_id = $1`, userID)
	n, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*parley.NotificationSettings, error) {
		n := &parley.NotificationSettings{}
		err := row.Scan(&n.UserID, &n.SiteID, &n.Replies, &n.Decisions, &n.Lang, &n.UpdatedAt)
		n.UpdatedAt = n.UpdatedAt.UTC()
		return n, err
	})
	if err != nil {
		return nil, translate(err, "notification settings")
	}
	return n, nil
}

// SetNotificationSettings stores a user's settings; ENOTFOUND if the user
// does not exist (the foreign key).
func (t *unit) SetNotificationSettings(ctx context.Context, n *parley.NotificationSettings) error {
	_, err := t.db.Exec(ctx, `INSERT INTO notification_settings (user_id, site_id, replies, decisions, lang, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET replies = excluded.replies,
		decisions = excluded.decisions, lang = excluded.lang, updated_at = excluded.updated_at`,
		n.UserID, n.SiteID, n.Replies, n.Decisions, n.Lang, n.UpdatedAt)
	return translate(err, "user")
}

// AddReplyNotification stores n if its user has its mails on: replies
// for a reply, decisions for a decision.
func (t *unit) AddReplyNotification(ctx context.Context, n *parley.ReplyNotification) (bool, error) {
	tag, err := t.db.Exec(ctx, `INSERT INTO pending_notifications (id, site_id, user_id, story_id, comment_id, kind, entry_id, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM notification_settings
		WHERE user_id = $3 AND CASE WHEN $6 = '' THEN replies ELSE decisions END`,
		n.ID, n.SiteID, n.UserID, n.StoryID, n.CommentID, n.Kind, n.EntryID, n.CreatedAt)
	if err != nil {
		return false, translate(err, "notification")
	}
	return tag.RowsAffected() == 1, nil
}

// DoneNotifications deletes owner's leased notifications; ENOTFOUND
// unless owner held every one.
func (t *unit) DoneNotifications(ctx context.Context, owner string, ids []string) error {
	tag, err := t.db.Exec(ctx, `DELETE FROM pending_notifications WHERE id = ANY($1) AND lease_owner = $2`, ids, owner)
	if err != nil {
		return translate(err, "notification")
	}
	if int(tag.RowsAffected()) != len(ids) {
		return parley.Errorf(parley.ENOTFOUND, "Notification not found or not leased to this notifier.")
	}
	return nil
}

// authorCommentsSQL returns the SQL that pages a user's comments newest
// first on comments_author_time: $1 author, $2 before, $3 limit. The
// first page has no seek and the export no status filter, written out
// rather than as parameters that a generic plan could not seek on.
func authorCommentsSQL(q parley.AuthorQuery) string {
	query := `SELECT ` + commentColumns + ` FROM comments WHERE author_id = $1`
	if q.Before != "" {
		query += ` AND id < $2`
	} else {
		query += ` AND $2 = ''`
	}
	if !q.Deleted {
		query += ` AND status <> 'deleted'`
	}
	return query + ` ORDER BY id DESC LIMIT $3`
}

// AuthorComments returns one page of a user's comments.
func (t *unit) AuthorComments(ctx context.Context, q parley.AuthorQuery) ([]*parley.Comment, error) {
	if q.Limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	rows, _ := t.db.Query(ctx, authorCommentsSQL(q), q.UserID, q.Before, q.Limit)
	cs, err := pgx.CollectRows(rows, scanComment)
	if err != nil {
		return nil, translate(err, "comment")
	}
	return cs, nil
}

// AuthorReactions returns a user's reactions, oldest first.
func (t *unit) AuthorReactions(ctx context.Context, userID string) ([]parley.Reaction, error) {
	rows, _ := t.db.Query(ctx, `SELECT comment_id, created_at FROM reactions WHERE user_id = $1 ORDER BY created_at, comment_id`, userID)
	rs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parley.Reaction, error) {
		var r parley.Reaction
		err := row.Scan(&r.CommentID, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	})
	return rs, translate(err, "reaction")
}

// AuthorReports returns the reports a user filed, oldest first.
func (t *unit) AuthorReports(ctx context.Context, userID string) ([]*parley.Report, error) {
	rows, _ := t.db.Query(ctx, `SELECT id, comment_id, user_id, reason, note, created_at FROM reports
		WHERE user_id = $1 ORDER BY created_at, id`, userID)
	rs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.Report, error) {
		r := &parley.Report{}
		err := row.Scan(&r.ID, &r.CommentID, &r.UserID, &r.Reason, &r.Note, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	})
	return rs, translate(err, "report")
}

// UserIdentities returns a user's sign-in subjects, oldest first.
func (t *unit) UserIdentities(ctx context.Context, userID string) ([]parley.Identity, error) {
	rows, _ := t.db.Query(ctx, `SELECT subject, created_at FROM identities WHERE user_id = $1 ORDER BY created_at, subject`, userID)
	ids, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parley.Identity, error) {
		var id parley.Identity
		err := row.Scan(&id.Subject, &id.CreatedAt)
		id.CreatedAt = id.CreatedAt.UTC()
		return id, err
	})
	return ids, translate(err, "identity")
}

// UserSessions returns a user's sessions, oldest first.
func (t *unit) UserSessions(ctx context.Context, userID string) ([]*parley.Session, error) {
	rows, _ := t.db.Query(ctx, `SELECT hash, user_id, site_id, method, created_at, expires_at FROM sessions
		WHERE user_id = $1 ORDER BY created_at, hash`, userID)
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.Session, error) {
		se := &parley.Session{}
		err := row.Scan(&se.Hash, &se.UserID, &se.SiteID, &se.Method, &se.CreatedAt, &se.ExpiresAt)
		se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
		return se, err
	})
	return ss, translate(err, "session")
}

// eraseSQL is what EraseUser deletes outright, one statement per table
// that holds a user's rows ($1 the user): a table added later is one
// more line here.
var eraseSQL = []string{
	`DELETE FROM sessions WHERE user_id = $1`,
	`DELETE FROM identities WHERE user_id = $1`,
	`DELETE FROM notification_settings WHERE user_id = $1`,
	`DELETE FROM pending_notifications WHERE user_id = $1`,
	`DELETE FROM passkeys WHERE user_id = $1`,
	`DELETE FROM passkey_ceremonies WHERE user_id = $1`,
	`DELETE FROM signin_codes WHERE user_id = $1`,
	// the texts of their comments, kept for moderators; the audit log,
	// which holds no comment text, stays as the host's record
	`DELETE FROM comment_revisions WHERE comment_id IN (SELECT id FROM comments WHERE author_id = $1)`,
	`DELETE FROM inbox WHERE user_id = $1`,
}

// EraseUser erases a user; see parley.Accounts. Its statements run in one
// transaction, the unit's or its own.
func (t *unit) EraseUser(ctx context.Context, userID string, at time.Time) error {
	return translate(inTx(ctx, t.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET name = '', email = '', badges = '[]', token_hash = '' WHERE id = $1`, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound("user")
		}
		for _, q := range eraseSQL {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, insertEventSQL+`SELECT site_id, story_id, '`+parley.EventCommentEdited+`', id
			FROM comments WHERE author_id = $1 AND status = 'approved' ORDER BY id`, userID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE comments SET author_name = '' WHERE author_id = $1`, userID)
		return err
	}), "user")
}

// PurgeAddresses forgets old address hashes of a site's comments and
// reports, on the partial indexes that hold only rows with a hash.
func (t *unit) PurgeAddresses(ctx context.Context, siteID string, before time.Time) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `WITH c AS (
			UPDATE comments SET ip_hash = NULL WHERE site_id = $1 AND created_at < $2 AND ip_hash IS NOT NULL RETURNING 1
		), r AS (
			UPDATE reports SET ip_hash = NULL WHERE created_at < $2 AND ip_hash IS NOT NULL
				AND comment_id IN (SELECT id FROM comments WHERE site_id = $1) RETURNING 1
		) SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM r)`, siteID, before).Scan(&n)
	if err != nil {
		return 0, translate(err, "comment")
	}
	return n, nil
}
