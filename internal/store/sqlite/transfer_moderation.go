package sqlite

import (
	"context"

	"parley"
)

// The moderation history of an export and an import: revisions, notices
// and complaints, read in key order and written as given (transfer.go).

// TransferRevisions returns the revisions of a story's comments after a key.
func (s *Store) TransferRevisions(ctx context.Context, siteID, storyID string, after parley.RevisionKey, limit int) ([]*parley.Revision, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.comment_id, r.n, r.body, r.html, r.status, r.reasons, r.created_at
		FROM comment_revisions r JOIN comments c ON c.id = r.comment_id
		WHERE c.site_id = ? AND c.story_id = ? AND (r.comment_id, r.n) > (?, ?)
		ORDER BY r.comment_id, r.n LIMIT ?`, siteID, storyID, after.CommentID, after.N, limit)
	return appendRows(nil, rows, err, scanRevision, "Revision", "Comment")
}

// TransferNotices returns the site's notices after a reference.
func (s *Store) TransferNotices(ctx context.Context, siteID, after string, limit int) ([]*parley.Notice, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+noticeColumns+` FROM notices
		WHERE site_id = ? AND reference > ? ORDER BY reference LIMIT ?`, siteID, after, limit)
	return appendRows(nil, rows, err, scanNotice, "Notice", "Site")
}

// TransferComplaints returns the site's complaints after a reference.
func (s *Store) TransferComplaints(ctx context.Context, siteID, after string, limit int) ([]*parley.Complaint, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+complaintColumns+` FROM complaints
		WHERE site_id = ? AND reference > ? ORDER BY reference LIMIT ?`, siteID, after, limit)
	return appendRows(nil, rows, err, scanComplaint, "Complaint", "Site")
}

// ImportRevision stores a revision unless the comment has its number.
func (w *unit) ImportRevision(_ context.Context, r *parley.Revision) (bool, error) {
	if err := parley.CheckRevision(r); err != nil {
		return false, err
	}
	reasons, err := encodeReasons(r.Reasons)
	if err != nil {
		return false, err
	}
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO comment_revisions (`+revisionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.CommentID, r.N, r.Body, r.HTML, r.Status, reasons, millis(r.CreatedAt))
	return inserted(res, err, "Revision", "Comment")
}

// ImportNotice stores a notice unless its reference is taken.
func (w *unit) ImportNotice(_ context.Context, n *parley.Notice) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO notices (`+noticeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		n.Reference, n.SiteID, n.CommentID, n.StoryID, n.UserID, n.Kind, n.Law, n.Explanation, n.Name, n.Email, n.Lang,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, millis(n.CreatedAt), millis(n.DecidedAt))
	return inserted(res, err, "Notice", "Comment")
}

// ImportComplaint stores a complaint unless its reference, or a complaint
// about its decision, is there.
func (w *unit) ImportComplaint(_ context.Context, c *parley.Complaint) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO complaints (`+complaintColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		c.Reference, c.SiteID, c.EntryID, c.Action, c.CommentID, c.UserID, c.NoticeRef, c.Explanation, c.Lang,
		c.Status, c.Outcome, c.Note, c.DecidedBy, millis(c.CreatedAt), millis(c.DecidedAt))
	return inserted(res, err, "Complaint", "Site")
}

// ImportRevision stores a revision as a unit of its own.
func (s *Store) ImportRevision(ctx context.Context, r *parley.Revision) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportRevision(ctx, r); return err })
	return ok, err
}

// ImportNotice stores a notice as a unit of its own.
func (s *Store) ImportNotice(ctx context.Context, n *parley.Notice) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportNotice(ctx, n); return err })
	return ok, err
}

// ImportComplaint stores a complaint as a unit of its own.
func (s *Store) ImportComplaint(ctx context.Context, c *parley.Complaint) (ok bool, err error) {
	err = s.writeUnit(ctx, func(w *unit) error { ok, err = w.ImportComplaint(ctx, c); return err })
	return ok, err
}
