package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"parley"
)

// The moderation history of an export and an import: revisions, notices
// and complaints, read in key order and written as given (transfer.go).

// TransferRevisions returns the revisions of a story's comments after a key.
func (s *Store) TransferRevisions(ctx context.Context, siteID, storyID string, after parley.RevisionKey, limit int) ([]*parley.Revision, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT r.comment_id, r.n, r.body, r.html, r.status, r.reasons, r.created_at
		FROM comment_revisions r JOIN comments c ON c.id = r.comment_id
		WHERE c.site_id = $1 AND c.story_id = $2 AND (r.comment_id, r.n) > ($3, $4)
		ORDER BY r.comment_id, r.n LIMIT $5`, siteID, storyID, after.CommentID, after.N, limit)
	out, err := pgx.CollectRows(rows, scanRevision)
	return out, translate(err, "revision")
}

// TransferNotices returns the site's notices after a reference.
func (s *Store) TransferNotices(ctx context.Context, siteID, after string, limit int) ([]*parley.Notice, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+noticeColumns+` FROM notices
		WHERE site_id = $1 AND reference > $2 ORDER BY reference LIMIT $3`, siteID, after, limit)
	out, err := pgx.CollectRows(rows, scanNotice)
	return out, translate(err, "notice")
}

// TransferComplaints returns the site's complaints after a reference.
func (s *Store) TransferComplaints(ctx context.Context, siteID, after string, limit int) ([]*parley.Complaint, error) {
	if err := parley.CheckTransferPage(limit); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+complaintColumns+` FROM complaints
		WHERE site_id = $1 AND reference > $2 ORDER BY reference LIMIT $3`, siteID, after, limit)
	out, err := pgx.CollectRows(rows, scanComplaint)
	return out, translate(err, "complaint")
}

// ImportRevision stores a revision unless the comment has its number.
func (t *unit) ImportRevision(ctx context.Context, r *parley.Revision) (bool, error) {
	if err := parley.CheckRevision(r); err != nil {
		return false, err
	}
	reasons, err := encodeReasons(r.Reasons)
	if err != nil {
		return false, err
	}
	tag, err := t.db.Exec(ctx, `INSERT INTO comment_revisions (`+revisionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		r.CommentID, r.N, r.Body, r.HTML, r.Status, reasons, r.CreatedAt)
	return inserted(tag, err, "revision")
}

// ImportNotice stores a notice unless its reference is taken.
func (t *unit) ImportNotice(ctx context.Context, n *parley.Notice) (bool, error) {
	tag, err := t.db.Exec(ctx, `INSERT INTO notices (`+noticeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT DO NOTHING`,
		n.Reference, n.SiteID, n.CommentID, n.StoryID, n.UserID, n.Kind, n.Law, n.Explanation, n.Name, n.Email, n.Lang,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, n.CreatedAt, nullTime(n.DecidedAt))
	return inserted(tag, err, "notice")
}

// ImportComplaint stores a complaint unless its reference, or a complaint
// about its decision, is there.
func (t *unit) ImportComplaint(ctx context.Context, c *parley.Complaint) (bool, error) {
	tag, err := t.db.Exec(ctx, `INSERT INTO complaints (`+complaintColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`,
		c.Reference, c.SiteID, c.EntryID, c.Action, c.CommentID, c.UserID, c.NoticeRef, c.Explanation, c.Lang,
		c.Status, c.Outcome, c.Note, c.DecidedBy, c.CreatedAt, nullTime(c.DecidedAt))
	return inserted(tag, err, "complaint")
}
