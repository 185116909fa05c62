package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// AddReaction records the user's reaction and raises the comment's
// ReactionCount; false if it already existed. ENOTFOUND for an unknown
// comment, through the foreign key.
func (s *Store) AddReaction(ctx context.Context, commentID, userID string, at time.Time) (bool, error) {
	var added bool
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reactions (comment_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (comment_id, user_id) DO NOTHING`, commentID, userID, millis(at))
		if err != nil {
			return mapError(err, "Reaction", "Comment")
		}
		added, err = addReactionCount(ctx, tx, res, commentID, 1)
		return err
	})
	return added, err
}

// RemoveReaction deletes the reaction and lowers ReactionCount; false if
// there was none.
func (s *Store) RemoveReaction(ctx context.Context, commentID, userID string) (bool, error) {
	var removed bool
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reactions WHERE comment_id = ? AND user_id = ?`, commentID, userID)
		if err != nil {
			return mapError(err, "Reaction", "Comment")
		}
		removed, err = addReactionCount(ctx, tx, res, commentID, -1)
		return err
	})
	return removed, err
}

// addReactionCount adds n to the comment's ReactionCount if res changed a
// row, and reports whether it did.
func addReactionCount(ctx context.Context, tx *txn, res sql.Result, commentID string, n int) (bool, error) {
	changed, err := res.RowsAffected()
	if err != nil || changed == 0 {
		return false, mapError(err, "Reaction", "Comment")
	}
	_, err = tx.ExecContext(ctx, `UPDATE comments SET reaction_count = reaction_count + ? WHERE id = ?`, n, commentID)
	return err == nil, mapError(err, "Comment", "Story")
}

// UserReactions returns the IDs of the comments on a story that the user
// reacted to, in ID order.
func (s *Store) UserReactions(ctx context.Context, siteID, storyID, userID string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.comment_id FROM reactions r JOIN comments c ON c.id = r.comment_id
		WHERE r.user_id = ? AND c.site_id = ? AND c.story_id = ? ORDER BY r.comment_id`, userID, siteID, storyID)
	if err != nil {
		return nil, mapError(err, "Reaction", "Comment")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err, "Reaction", "Comment")
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "Reaction", "Comment")
	}
	return out, nil
}
