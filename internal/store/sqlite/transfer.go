package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"parley"
)

// The reads of an export: keyset pages on primary keys and indexes, so
// that each page costs the same however far into the site it is.

// TransferUsers returns the site's users after an ID, by ID.
func (s *Store) TransferUsers(ctx context.Context, siteID, after string, limit int) ([]*parley.User, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userRead+` FROM users WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?`,
		siteID, after, limit)
	return appendRows(nil, rows, err, func(r scanner) (*parley.User, error) { return scanUser(r) }, "User", "Site")
}

// TransferStories returns the site's stories after an ID, by ID.
func (s *Store) TransferStories(ctx context.Context, siteID, after string, limit int) ([]*parley.Story, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+storyColumns+` FROM stories WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?`,
		siteID, after, limit)
	return appendRows(nil, rows, err, scanStory, "Story", "Site")
}

// TransferComments returns a story's comments after a key, parents first.
// A page seeks the story's rows on comments_queue_story and sorts them by
// depth and ID: it costs the story's size, never the site's. An index in
// that order would make it a page's, but every write would pay for it to
// speed up a rare export.
func (s *Store) TransferComments(ctx context.Context, siteID, storyID string, after parley.CommentKey, limit int) ([]*parley.Comment, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = ? AND story_id = ? AND (depth, id) > (?, ?) ORDER BY depth, id LIMIT ?`,
		siteID, storyID, after.Depth, after.ID, limit)
	return appendComments(nil, rows, err)
}

// TransferReactions returns the reactions on a story's comments after a
// comment and user.
func (s *Store) TransferReactions(ctx context.Context, siteID, storyID string, after parley.ReactionRow, limit int) ([]parley.ReactionRow, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.comment_id, r.user_id, r.created_at
		FROM reactions r JOIN comments c ON c.id = r.comment_id
		WHERE c.site_id = ? AND c.story_id = ? AND (r.comment_id, r.user_id) > (?, ?)
		ORDER BY r.comment_id, r.user_id LIMIT ?`, siteID, storyID, after.CommentID, after.UserID, limit)
	return appendRows(nil, rows, err, func(r scanner) (parley.ReactionRow, error) {
		var x parley.ReactionRow
		var at int64
		err := r.Scan(&x.CommentID, &x.UserID, &at)
		x.CreatedAt = fromMillis(at)
		return x, err
	}, "Reaction", "Comment")
}

// TransferReports returns the reports on a story's comments after an ID.
func (s *Store) TransferReports(ctx context.Context, siteID, storyID, after string, limit int) ([]*parley.Report, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.comment_id, r.user_id, r.reason, r.note, r.created_at
		FROM reports r JOIN comments c ON c.id = r.comment_id
		WHERE c.site_id = ? AND c.story_id = ? AND r.id > ? ORDER BY r.id LIMIT ?`, siteID, storyID, after, limit)
	return appendRows(nil, rows, err, func(r scanner) (*parley.Report, error) {
		var x parley.Report
		var at int64
		err := r.Scan(&x.ID, &x.CommentID, &x.UserID, &x.Reason, &x.Note, &at)
		x.CreatedAt = fromMillis(at)
		return &x, err
	}, "Report", "Comment")
}

// TransferAudit returns the site's audit entries after an ID, on the
// audit_site index.
func (s *Store) TransferAudit(ctx context.Context, siteID string, after int64, limit int) ([]*parley.AuditEntry, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?`,
		siteID, after, limit)
	return appendRows(nil, rows, err, scanAudit, "Audit entry", "Site")
}

// The writes of an import: each inserts the row as given unless its key is
// taken (ON CONFLICT DO NOTHING) and reports whether it did.

// inserted reports whether an INSERT … ON CONFLICT DO NOTHING wrote a row.
func inserted(res sql.Result, err error, what, parent string) (bool, error) {
	if err != nil {
		return false, mapError(err, what, parent)
	}
	n, err := res.RowsAffected()
	return n > 0, mapError(err, what, parent)
}

// ImportUser stores a user with its sanctions and counts.
func (w *unit) ImportUser(_ context.Context, u *parley.User) (bool, error) {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return false, fmt.Errorf("sqlite: encode badges: %w", err)
	}
	n, z := u.Counts, u.Sanctions
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO users (`+userRead+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		u.ID, u.SiteID, u.Name, u.TokenHash, millis(u.CreatedAt), u.Email, string(badges), u.Role.String(),
		millis(z.WarnedAt), millis(z.SuspendedUntil), millis(z.BannedAt), n.Approved, n.Pending, n.Rejected, n.Reports, n.Notes)
	return inserted(res, err, "User", "Site")
}

// ImportStory stores a story with its count.
func (w *unit) ImportStory(_ context.Context, st *parley.Story) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO stories (`+storyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, st.SiteID, st.ID, st.URL, st.Title, st.Lang, st.Status, st.CommentCount,
		millis(st.CreatedAt), st.Premoderation)
	return inserted(res, err, "Story", "Site")
}

// ImportComment stores a comment with its counts and marks; its parent
// must be stored already, in the same story.
func (w *unit) ImportComment(_ context.Context, c *parley.Comment) (bool, error) {
	if c.ParentID != "" {
		var n int
		err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM comments WHERE id = ? AND site_id = ? AND story_id = ?`,
			c.ParentID, c.SiteID, c.StoryID).Scan(&n)
		if err != nil {
			return false, mapError(err, "Comment", "Story")
		}
		if n == 0 {
			return false, parley.Errorf(parley.ENOTFOUND, "The parent of comment %s is not in its story.", c.ID)
		}
	}
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO comments (`+commentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		c.ID, c.SiteID, c.StoryID, c.ParentID, c.RootID, c.Depth, c.AuthorID, c.AuthorName, c.Body, c.HTML,
		c.Status, c.ReplyCount, c.ReactionCount, c.ReportCount, millis(c.CreatedAt), millis(c.EditedAt), millis(c.DeletedAt),
		c.Featured, c.Newcomer, c.ReportsReviewed)
	return inserted(res, err, "Comment", "Story")
}

// ImportReaction stores a reaction without touching the comment's count,
// which ImportComment stored.
func (w *unit) ImportReaction(_ context.Context, r parley.ReactionRow) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO reactions (comment_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, r.CommentID, r.UserID, millis(r.CreatedAt))
	return inserted(res, err, "Reaction", "Comment")
}

// ImportReport stores a report without touching the counts.
func (w *unit) ImportReport(_ context.Context, r *parley.Report) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO reports (id, comment_id, user_id, reason, note, created_at, ip_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.ID, r.CommentID, r.UserID, r.Reason, r.Note, millis(r.CreatedAt), nullString(r.IPHash))
	return inserted(res, err, "Report", "Comment")
}

// ImportAudit stores an entry with its ID. AUTOINCREMENT keeps the highest
// ID in sqlite_sequence, so entries appended later get higher ones.
func (w *unit) ImportAudit(_ context.Context, e *parley.AuditEntry) (bool, error) {
	if err := parley.CheckAuditEntry(e); err != nil {
		return false, err
	}
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO audit_log (`+auditColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		e.ID, e.SiteID, e.Action, e.StoryID, e.CommentID, e.UserID, e.ActorID, e.Automated,
		e.Reason, e.Note, e.Before, e.After, e.Ref, millis(e.CreatedAt))
	return inserted(res, err, "Audit entry", "Site")
}

// ImportUser stores a user as a unit of its own.
func (s *Store) ImportUser(ctx context.Context, u *parley.User) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportUser(ctx, u); return err })
	return ok, err
}

// ImportStory stores a story as a unit of its own.
func (s *Store) ImportStory(ctx context.Context, st *parley.Story) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportStory(ctx, st); return err })
	return ok, err
}

// ImportComment stores a comment as a unit of its own.
func (s *Store) ImportComment(ctx context.Context, c *parley.Comment) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportComment(ctx, c); return err })
	return ok, err
}

// ImportReaction stores a reaction as a unit of its own.
func (s *Store) ImportReaction(ctx context.Context, r parley.ReactionRow) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportReaction(ctx, r); return err })
	return ok, err
}

// ImportReport stores a report as a unit of its own.
func (s *Store) ImportReport(ctx context.Context, r *parley.Report) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportReport(ctx, r); return err })
	return ok, err
}

// ImportAudit stores an audit entry as a unit of its own.
func (s *Store) ImportAudit(ctx context.Context, e *parley.AuditEntry) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportAudit(ctx, e); return err })
	return ok, err
}

// RecountStory sets a story's counts from its rows: reply counts a depth
// at a time from the deepest up (each level reads the counts of the one
// below, its replies found on comments_parent), then the story's approved
// count.
func (w *unit) RecountStory(_ context.Context, siteID, storyID string) error {
	var found int
	if err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM stories WHERE site_id = ? AND id = ?`,
		siteID, storyID).Scan(&found); err != nil {
		return mapError(err, "Story", "Site")
	}
	if found == 0 {
		return parley.Errorf(parley.ENOTFOUND, "Story %s not found.", storyID)
	}
	var deepest int
	if err := w.tx.QueryRowContext(w.ctx, `SELECT coalesce(max(depth), 0) FROM comments WHERE site_id = ? AND story_id = ?`,
		siteID, storyID).Scan(&deepest); err != nil {
		return mapError(err, "Comment", "Story")
	}
	for d := deepest; d >= 0; d-- {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE comments SET reply_count = (SELECT count(*) FROM comments r
			WHERE r.parent_id = comments.id AND r.parent_id <> ''
				AND (r.status = 'approved' OR (r.status = 'deleted' AND r.reply_count > 0)))
			WHERE site_id = ? AND story_id = ? AND depth = ?`, siteID, storyID, d); err != nil {
			return mapError(err, "Comment", "Story")
		}
	}
	_, err := w.tx.ExecContext(w.ctx, `UPDATE stories SET comment_count = (SELECT count(*) FROM comments
		WHERE site_id = ? AND story_id = ? AND status = 'approved') WHERE site_id = ? AND id = ?`,
		siteID, storyID, siteID, storyID)
	return mapError(err, "Story", "Site")
}

// AddUserCounts adds to a user's counts.
func (w *unit) AddUserCounts(_ context.Context, userID string, d parley.UserCounts) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE users SET approved_count = approved_count + ?, pending_count = pending_count + ?,
		rejected_count = rejected_count + ?, reports_count = reports_count + ?, notes_count = notes_count + ? WHERE id = ?`,
		d.Approved, d.Pending, d.Rejected, d.Reports, d.Notes, userID)
	if ok, err := inserted(res, err, "User", "Site"); err != nil || ok {
		return err
	}
	return parley.Errorf(parley.ENOTFOUND, "User %s not found.", userID)
}

// RecountStory recounts a story as a unit of its own.
func (s *Store) RecountStory(ctx context.Context, siteID, storyID string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.RecountStory(ctx, siteID, storyID) })
}

// AddUserCounts adds to a user's counts as a unit of its own.
func (s *Store) AddUserCounts(ctx context.Context, userID string, d parley.UserCounts) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.AddUserCounts(ctx, userID, d) })
}
