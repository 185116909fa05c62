package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

// The reads of an export: keyset pages on primary keys and indexes, so
// that each page costs the same however far into the site it is.

// TransferUsers returns the site's users after an ID, by ID.
func (s *Store) TransferUsers(ctx context.Context, siteID, after string, limit int) ([]*parley.User, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+userRead+` FROM users WHERE site_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		siteID, after, limit)
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.User, error) { return scanUser(row) })
	return users, translate(err, "user")
}

// TransferStories returns the site's stories after an ID, by ID.
func (s *Store) TransferStories(ctx context.Context, siteID, after string, limit int) ([]*parley.Story, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, selectStory+` WHERE s.site_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3`,
		siteID, after, limit)
	stories, err := pgx.CollectRows(rows, scanStory)
	return stories, translate(err, "story")
}

// TransferComments returns a story's comments after a key, parents first.
// A page seeks the story's rows on an index led by site and story and
// sorts them: it costs the story's size, never the site's.
func (s *Store) TransferComments(ctx context.Context, siteID, storyID string, after parley.CommentKey, limit int) ([]*parley.Comment, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = $1 AND story_id = $2 AND (depth, id) > ($3, $4) ORDER BY depth, id LIMIT $5`,
		siteID, storyID, after.Depth, after.ID, limit)
	comments, err := pgx.CollectRows(rows, scanComment)
	return comments, translate(err, "comment")
}

// TransferReactions returns the reactions on a story's comments after a
// comment and user.
func (s *Store) TransferReactions(ctx context.Context, siteID, storyID string, after parley.ReactionRow, limit int) ([]parley.ReactionRow, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT comment_id, user_id, created_at FROM reactions
		WHERE site_id = $1 AND story_id = $2 AND (comment_id, user_id) > ($3, $4)
		ORDER BY comment_id, user_id LIMIT $5`, siteID, storyID, after.CommentID, after.UserID, limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (parley.ReactionRow, error) {
		var r parley.ReactionRow
		err := row.Scan(&r.CommentID, &r.UserID, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	})
	return out, translate(err, "reaction")
}

// TransferReports returns the reports on a story's comments after an ID.
func (s *Store) TransferReports(ctx context.Context, siteID, storyID, after string, limit int) ([]*parley.Report, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT r.id, r.comment_id, r.user_id, r.reason, r.note, r.created_at
		FROM reports r JOIN comments c ON c.id = r.comment_id
		WHERE c.site_id = $1 AND c.story_id = $2 AND r.id > $3 ORDER BY r.id LIMIT $4`, siteID, storyID, after, limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.Report, error) {
		var r parley.Report
		err := row.Scan(&r.ID, &r.CommentID, &r.UserID, &r.Reason, &r.Note, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return &r, err
	})
	return out, translate(err, "report")
}

// TransferAudit returns the site's audit entries after an ID.
func (s *Store) TransferAudit(ctx context.Context, siteID string, after int64, limit int) ([]*parley.AuditEntry, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	return s.collectAudit(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE site_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		siteID, after, limit)
}

// The writes of an import: each inserts the row as given unless its key is
// taken (ON CONFLICT DO NOTHING) and reports whether it did.

// inserted reports whether an INSERT … ON CONFLICT DO NOTHING wrote a row.
func inserted(tag pgconn.CommandTag, err error, what string) (bool, error) {
	if err != nil {
		return false, translate(err, what)
	}
	return tag.RowsAffected() > 0, nil
}

// ImportUser stores a user with its sanctions and counts.
func (t *unit) ImportUser(ctx context.Context, u *parley.User) (bool, error) {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return false, fmt.Errorf("postgres: encode badges: %w", err)
	}
	n, z := u.Counts, u.Sanctions
	tag, err := t.db.Exec(ctx, `INSERT INTO users (`+userRead+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`,
		u.ID, u.SiteID, u.Name, u.TokenHash, u.CreatedAt, u.Email, string(badges), u.Role.String(),
		nullTime(z.WarnedAt), nullTime(z.SuspendedUntil), nullTime(z.BannedAt), n.Approved, n.Pending, n.Rejected, n.Reports, n.Notes)
	return inserted(tag, err, "user")
}

// ImportStory stores a story, and its CommentCount in one count slot.
func (t *unit) ImportStory(ctx context.Context, st *parley.Story) (ok bool, err error) {
	err = inTx(ctx, t.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO stories (site_id, id, url, title, lang, status, created_at, premoderation)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			st.SiteID, st.ID, st.URL, st.Title, st.Lang, st.Status, st.CreatedAt, st.Premoderation)
		if ok, err = inserted(tag, err, "story"); !ok || err != nil || st.CommentCount == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO story_counts (site_id, story_id, slot, n) VALUES ($1, $2, 0, $3)`,
			st.SiteID, st.ID, st.CommentCount)
		return translate(err, "story")
	})
	return ok, err
}

// ImportComment stores a comment with its counts and marks; its parent
// must be stored already, in the same story.
func (t *unit) ImportComment(ctx context.Context, c *parley.Comment) (bool, error) {
	if c.ParentID != "" {
		// The parent is looked up by its key alone and its story compared
		// here: a statement prepared while the table was empty (an import's
		// first comments) once planned "id AND site_id AND story_id" as a
		// scan of the story's index, and kept that plan for the whole
		// import, a story's length per reply.
		var siteID, storyID string
		err := t.db.QueryRow(ctx, `SELECT site_id, story_id FROM comments WHERE id = $1`, c.ParentID).Scan(&siteID, &storyID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return false, translate(err, "comment")
		}
		if err != nil || siteID != c.SiteID || storyID != c.StoryID {
			return false, parley.Errorf(parley.ENOTFOUND, "The parent of comment %s is not in its story.", c.ID)
		}
	}
	tag, err := t.db.Exec(ctx, `INSERT INTO comments (`+commentColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT DO NOTHING`,
		c.ID, c.SiteID, c.StoryID, c.ParentID, c.RootID, c.Depth, c.AuthorID, c.AuthorName, c.Body, c.HTML,
		c.Status, c.ReplyCount, c.ReactionCount, c.ReportCount, c.CreatedAt, nullTime(c.EditedAt), nullTime(c.DeletedAt),
		c.Featured, c.Newcomer, c.ReportsReviewed)
	return inserted(tag, err, "comment")
}

// ImportReaction stores a reaction without touching the comment's count,
// which ImportComment stored; the story comes from the comment.
func (t *unit) ImportReaction(ctx context.Context, r parley.ReactionRow) (bool, error) {
	var ok, found bool
	err := t.db.QueryRow(ctx, `WITH c AS (SELECT site_id, story_id FROM comments WHERE id = $1),
		ins AS (INSERT INTO reactions (comment_id, user_id, site_id, story_id, created_at)
			SELECT $1, $2, c.site_id, c.story_id, $3 FROM c ON CONFLICT DO NOTHING RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM ins), EXISTS (SELECT 1 FROM c)`, r.CommentID, r.UserID, r.CreatedAt).Scan(&ok, &found)
	if err != nil {
		return false, translate(err, "reaction")
	}
	if !found {
		return false, notFound("comment")
	}
	return ok, nil
}

// ImportReport stores a report without touching the counts.
func (t *unit) ImportReport(ctx context.Context, r *parley.Report) (bool, error) {
	tag, err := t.db.Exec(ctx, `INSERT INTO reports (id, comment_id, user_id, reason, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		r.ID, r.CommentID, r.UserID, r.Reason, r.Note, r.CreatedAt)
	return inserted(tag, err, "report")
}

// ImportAudit stores an entry with its ID and moves the identity past it,
// so that entries appended later get higher IDs.
func (t *unit) ImportAudit(ctx context.Context, e *parley.AuditEntry) (ok bool, err error) {
	if err := parley.CheckAuditEntry(e); err != nil {
		return false, err
	}
	err = inTx(ctx, t.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO audit_log (`+auditColumns+`) OVERRIDING SYSTEM VALUE
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
			e.ID, e.SiteID, e.Action, e.StoryID, e.CommentID, e.UserID, e.ActorID, e.Automated,
			e.Reason, e.Note, e.Before, e.After, e.Ref, e.CreatedAt)
		if ok, err = inserted(tag, err, "audit entry"); !ok || err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT max(id) FROM audit_log))`)
		return translate(err, "audit entry")
	})
	return ok, err
}

// RecountStory sets a story's counts from its rows: reply counts a depth
// at a time from the deepest up (each level reads the counts of the one
// below, its shown replies found on comments_replies), and the story's
// approved count into one count slot in place of all of its slots.
func (t *unit) RecountStory(ctx context.Context, siteID, storyID string) error {
	return inTx(ctx, t.db, func(tx pgx.Tx) error {
		var deepest *int
		err := tx.QueryRow(ctx, `SELECT (SELECT max(depth) FROM comments WHERE site_id = $1 AND story_id = $2)
			FROM stories WHERE site_id = $1 AND id = $2`, siteID, storyID).Scan(&deepest)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("story")
		} else if err != nil {
			return translate(err, "story")
		}
		for d := derefOr(deepest, -1); d >= 0; d-- {
			if _, err := tx.Exec(ctx, `UPDATE comments c SET reply_count = (SELECT count(*) FROM comments r
				WHERE r.parent_id = c.id AND r.parent_id <> ''
					AND (r.status = 'approved' OR (r.status = 'deleted' AND r.reply_count > 0)))
				WHERE c.site_id = $1 AND c.story_id = $2 AND c.depth = $3`, siteID, storyID, d); err != nil {
				return translate(err, "comment")
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM story_counts WHERE site_id = $1 AND story_id = $2`, siteID, storyID); err != nil {
			return translate(err, "story")
		}
		_, err = tx.Exec(ctx, `INSERT INTO story_counts (site_id, story_id, slot, n)
			SELECT $1, $2, 0, count(*) FROM comments WHERE site_id = $1 AND story_id = $2 AND status = 'approved'
			HAVING count(*) > 0`, siteID, storyID)
		return translate(err, "story")
	})
}

// AddUserCounts adds to a user's counts.
func (t *unit) AddUserCounts(ctx context.Context, userID string, d parley.UserCounts) error {
	tag, err := t.db.Exec(ctx, `UPDATE users SET approved_count = approved_count + $2, pending_count = pending_count + $3,
		rejected_count = rejected_count + $4, reports_count = reports_count + $5, notes_count = notes_count + $6 WHERE id = $1`,
		userID, d.Approved, d.Pending, d.Rejected, d.Reports, d.Notes)
	if err != nil {
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return nil
}

// derefOr returns *p, or or when p is nil.
func derefOr(p *int, or int) int {
	if p == nil {
		return or
	}
	return *p
}
