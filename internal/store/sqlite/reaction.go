package sqlite

import (
	"context"
	"database/sql"
	"time"

	"parley"
)

// AddReaction records the user's reaction, raises the comment's
// ReactionCount and appends its event; false, and no event, if it already
// existed. ENOTFOUND for an unknown comment, through the foreign key.
func (s *Store) AddReaction(ctx context.Context, commentID, userID string, at time.Time) (bool, error) {
	var added bool
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		added, err = w.AddReaction(ctx, commentID, userID, at)
		return err
	})
	return added, err
}

// AddReaction records a reaction in the unit; see Store.AddReaction.
func (w *unit) AddReaction(_ context.Context, commentID, userID string, at time.Time) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO reactions (comment_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (comment_id, user_id) DO NOTHING`, commentID, userID, millis(at))
	if err != nil {
		return false, mapError(err, "Reaction", "Comment")
	}
	return addReactionCount(w.ctx, w.tx, res, commentID, 1, at)
}

// RemoveReaction deletes the reaction, lowers ReactionCount and appends its
// event; false, and no event, if there was none. Having no time of its own,
// the event gets the current time.
func (s *Store) RemoveReaction(ctx context.Context, commentID, userID string) (bool, error) {
	var removed bool
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		removed, err = w.RemoveReaction(ctx, commentID, userID)
		return err
	})
	return removed, err
}

// RemoveReaction deletes a reaction in the unit; see Store.RemoveReaction.
func (w *unit) RemoveReaction(_ context.Context, commentID, userID string) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `DELETE FROM reactions WHERE comment_id = ? AND user_id = ?`, commentID, userID)
	if err != nil {
		return false, mapError(err, "Reaction", "Comment")
	}
	return addReactionCount(w.ctx, w.tx, res, commentID, -1, parley.Now())
}

// addReactionCount adds n to the comment's ReactionCount and appends a
// reaction event at the time at if res changed a row, and reports whether
// it did.
func addReactionCount(ctx context.Context, tx *txn, res sql.Result, commentID string, n int, at time.Time) (bool, error) {
	changed, err := res.RowsAffected()
	if err != nil || changed == 0 {
		return false, mapError(err, "Reaction", "Comment")
	}
	var siteID, storyID string
	err = tx.QueryRowContext(ctx, `UPDATE comments SET reaction_count = reaction_count + ? WHERE id = ?
		RETURNING site_id, story_id`, n, commentID).Scan(&siteID, &storyID)
	if err != nil {
		return false, mapError(err, "Comment", "Story")
	}
	return true, appendEvent(ctx, tx, siteID, storyID, parley.EventReaction, commentID, at)
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
