package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const complaintColumns = `reference, site_id, entry_id, action, comment_id, user_id, notice_ref, explanation, lang,
	status, outcome, note, decided_by, created_at, decided_at`

// CreateComplaint stores a complaint; ECONFLICT if its reference is taken
// or its decision has one.
func (t *unit) CreateComplaint(ctx context.Context, c *parley.Complaint) error {
	_, err := t.db.Exec(ctx, `INSERT INTO complaints (`+complaintColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.Reference, c.SiteID, c.EntryID, c.Action, c.CommentID, c.UserID, c.NoticeRef, c.Explanation, c.Lang,
		c.Status, c.Outcome, c.Note, c.DecidedBy, c.CreatedAt, nullTime(c.DecidedAt))
	return translate(err, "complaint")
}

// Complaint returns a site's complaint; ENOTFOUND.
func (t *unit) Complaint(ctx context.Context, siteID, ref string) (*parley.Complaint, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE reference = $1 AND site_id = $2`, ref, siteID)
	c, err := pgx.CollectExactlyOneRow(rows, scanComplaint)
	if err != nil {
		return nil, translate(err, "complaint")
	}
	return c, nil
}

// UpdateComplaint replaces a complaint's status and outcome if its status
// is still from; ECONFLICT, ENOTFOUND.
func (t *unit) UpdateComplaint(ctx context.Context, c *parley.Complaint, from string) error {
	tag, err := t.db.Exec(ctx, `UPDATE complaints SET status = $1, outcome = $2, note = $3, decided_by = $4, decided_at = $5
		WHERE reference = $6 AND site_id = $7 AND status = $8`,
		c.Status, c.Outcome, c.Note, c.DecidedBy, nullTime(c.DecidedAt), c.Reference, c.SiteID, from)
	return t.changedOrWhy(ctx, tag, err, "complaints", c.Reference, c.SiteID, "complaint")
}

// ComplaintPage returns one page of a site's complaints, oldest first.
func (s *Store) ComplaintPage(ctx context.Context, q parley.NoticeQuery) ([]*parley.Complaint, error) {
	if err := parley.CheckNoticeQuery(q); err != nil {
		return nil, err
	}
	query, args := noticePage(`SELECT `+complaintColumns+` FROM complaints`, q)
	rows, _ := s.pool.Query(ctx, query, args...)
	cs, err := pgx.CollectRows(rows, scanComplaint)
	if err != nil {
		return nil, translate(err, "complaint")
	}
	return cs, nil
}

func scanComplaint(row pgx.CollectableRow) (*parley.Complaint, error) {
	var c parley.Complaint
	var decided *time.Time
	err := row.Scan(&c.Reference, &c.SiteID, &c.EntryID, &c.Action, &c.CommentID, &c.UserID, &c.NoticeRef,
		&c.Explanation, &c.Lang, &c.Status, &c.Outcome, &c.Note, &c.DecidedBy, &c.CreatedAt, &decided)
	c.CreatedAt, c.DecidedAt = c.CreatedAt.UTC(), fromNull(decided)
	return &c, err
}
