package sqlite

import (
	"context"

	"parley"
)

const complaintColumns = `reference, site_id, entry_id, action, comment_id, user_id, notice_ref, explanation, lang,
	status, outcome, note, decided_by, created_at, decided_at`

// CreateComplaint stores a complaint; ECONFLICT if its reference is taken
// or its decision has one.
func (s *Store) CreateComplaint(ctx context.Context, c *parley.Complaint) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateComplaint(ctx, c) })
}

// CreateComplaint stores a complaint in the unit; see Store.CreateComplaint.
func (w *unit) CreateComplaint(_ context.Context, c *parley.Complaint) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO complaints (`+complaintColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Reference, c.SiteID, c.EntryID, c.Action, c.CommentID, c.UserID, c.NoticeRef, c.Explanation, c.Lang,
		c.Status, c.Outcome, c.Note, c.DecidedBy, millis(c.CreatedAt), millis(c.DecidedAt))
	return mapError(err, "Complaint", "Site")
}

// Complaint returns a site's complaint; ENOTFOUND.
func (s *Store) Complaint(ctx context.Context, siteID, ref string) (*parley.Complaint, error) {
	return readComplaint(ctx, s.queryRow, siteID, ref)
}

// Complaint returns a site's complaint as the unit sees it; ENOTFOUND.
func (w *unit) Complaint(_ context.Context, siteID, ref string) (*parley.Complaint, error) {
	return readComplaint(w.ctx, w.row, siteID, ref)
}

func readComplaint(ctx context.Context, row rowQuery, siteID, ref string) (*parley.Complaint, error) {
	c, err := scanComplaint(row(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE reference = ? AND site_id = ?`, ref, siteID))
	if err != nil {
		return nil, mapError(err, "Complaint", "Site")
	}
	return c, nil
}

// UpdateComplaint replaces a complaint's status and outcome if its status
// is still from; ECONFLICT, ENOTFOUND.
func (s *Store) UpdateComplaint(ctx context.Context, c *parley.Complaint, from string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UpdateComplaint(ctx, c, from) })
}

// UpdateComplaint replaces a complaint's status and outcome in the unit;
// see Store.UpdateComplaint.
func (w *unit) UpdateComplaint(_ context.Context, c *parley.Complaint, from string) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE complaints SET status = ?, outcome = ?, note = ?, decided_by = ?, decided_at = ?
		WHERE reference = ? AND site_id = ? AND status = ?`,
		c.Status, c.Outcome, c.Note, c.DecidedBy, millis(c.DecidedAt), c.Reference, c.SiteID, from)
	if err != nil {
		return mapError(err, "Complaint", "Site")
	}
	return w.changedOrWhy(res, `SELECT 1 FROM complaints WHERE reference = ? AND site_id = ?`, c.Reference, c.SiteID, "Complaint")
}

// ComplaintPage returns one page of a site's complaints, oldest first.
func (s *Store) ComplaintPage(ctx context.Context, q parley.NoticeQuery) ([]*parley.Complaint, error) {
	if err := parley.CheckNoticeQuery(q); err != nil {
		return nil, err
	}
	query, args := noticePage(`SELECT `+complaintColumns+` FROM complaints`, q)
	rows, err := s.read.QueryContext(ctx, query, args...)
	return appendRows(nil, rows, err, scanComplaint, "Complaint", "Site")
}

func scanComplaint(row scanner) (*parley.Complaint, error) {
	var c parley.Complaint
	var created, decided int64
	err := row.Scan(&c.Reference, &c.SiteID, &c.EntryID, &c.Action, &c.CommentID, &c.UserID, &c.NoticeRef,
		&c.Explanation, &c.Lang, &c.Status, &c.Outcome, &c.Note, &c.DecidedBy, &created, &decided)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.DecidedAt = fromMillis(created), fromMillis(decided)
	return &c, nil
}
