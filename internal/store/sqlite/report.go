package sqlite

import (
	"context"

	"parley"
)

// CreateReport stores a report and raises the comment's ReportCount;
// ECONFLICT if the user already reported it, ENOTFOUND for an unknown
// comment.
func (s *Store) CreateReport(ctx context.Context, r *parley.Report) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reports (id, comment_id, user_id, reason, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.CommentID, r.UserID, r.Reason, r.Note, millis(r.CreatedAt))
		if err != nil {
			return mapError(err, "Report", "Comment")
		}
		_, err = tx.ExecContext(ctx, `UPDATE comments SET report_count = report_count + 1 WHERE id = ?`, r.CommentID)
		return mapError(err, "Comment", "Story")
	})
}
