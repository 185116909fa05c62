package postgres

import (
	"context"

	"parley"
)

// createReportSQL stores a report and raises the comment's ReportCount and
// its author's Counts.Reports in one statement. A missing comment fails
// the foreign key (ENOTFOUND) and a second report by the same user the
// unique key (ECONFLICT).
const createReportSQL = `
WITH ins AS (
	INSERT INTO reports (id, comment_id, user_id, reason, note, created_at, ip_hash)
	VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''))
	RETURNING comment_id
), reported AS (
	UPDATE comments SET report_count = report_count + 1
	WHERE id IN (SELECT comment_id FROM ins)
	RETURNING author_id
)
UPDATE users SET reports_count = reports_count + 1 WHERE id IN (SELECT author_id FROM reported)`

// CreateReport stores a report and raises the comment's ReportCount.
func (t *unit) CreateReport(ctx context.Context, r *parley.Report) error {
	_, err := t.db.Exec(ctx, createReportSQL, r.ID, r.CommentID, r.UserID, r.Reason, r.Note, r.CreatedAt, r.IPHash)
	return translate(err, "report")
}
