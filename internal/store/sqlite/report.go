package sqlite

import (
	"context"

	"parley"
)

// CreateReport stores a report and raises the comment's ReportCount;
// ECONFLICT if the user already reported it, ENOTFOUND for an unknown
// comment.
func (s *Store) CreateReport(ctx context.Context, r *parley.Report) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateReport(ctx, r) })
}

// CreateReport stores a report in the unit; see Store.CreateReport.
func (w *unit) CreateReport(_ context.Context, r *parley.Report) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO reports (id, comment_id, user_id, reason, note, created_at, ip_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.CommentID, r.UserID, r.Reason, r.Note, millis(r.CreatedAt), nullString(r.IPHash))
	if err != nil {
		return mapError(err, "Report", "Comment")
	}
	var author string
	err = w.tx.QueryRowContext(w.ctx, `UPDATE comments SET report_count = report_count + 1 WHERE id = ? RETURNING author_id`,
		r.CommentID).Scan(&author)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	_, err = w.tx.ExecContext(w.ctx, `UPDATE users SET reports_count = reports_count + 1 WHERE id = ?`, author)
	return mapError(err, "User", "Site")
}
