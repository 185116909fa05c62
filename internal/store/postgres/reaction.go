package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// addReactionSQL records a reaction and raises the comment's ReactionCount
// and appends its event in one statement. It reports whether the comment
// exists and whether the reaction is new; a second reaction by the same
// user changes and appends nothing.
const addReactionSQL = `
WITH c AS (
	SELECT id, site_id, story_id FROM comments WHERE id = $1
), ins AS (
	INSERT INTO reactions (comment_id, user_id, site_id, story_id, created_at)
	SELECT id, $2, site_id, story_id, $3 FROM c
	ON CONFLICT (comment_id, user_id) DO NOTHING
	RETURNING comment_id
), upd AS (
	UPDATE comments SET reaction_count = reaction_count + 1
	WHERE id IN (SELECT comment_id FROM ins)
	RETURNING id, site_id, story_id
), event AS (
	` + insertEventSQL + `SELECT site_id, story_id, '` + parley.EventReaction + `', id FROM upd
)
SELECT EXISTS (SELECT 1 FROM c), EXISTS (SELECT 1 FROM upd)`

// AddReaction records the user's reaction to a comment; false if it
// already existed. ENOTFOUND if the comment does not exist.
func (t *unit) AddReaction(ctx context.Context, commentID, userID string, at time.Time) (bool, error) {
	var exists, added bool
	if err := t.db.QueryRow(ctx, addReactionSQL, commentID, userID, at).Scan(&exists, &added); err != nil {
		return false, translate(err, "comment")
	}
	if !exists {
		return false, notFound("comment")
	}
	return added, nil
}

// removeReactionSQL deletes a reaction, lowers the count it raised and
// appends the reaction event, or does none of it if there was no reaction.
const removeReactionSQL = `
WITH del AS (
	DELETE FROM reactions WHERE comment_id = $1 AND user_id = $2
	RETURNING comment_id
), upd AS (
	UPDATE comments SET reaction_count = reaction_count - 1
	WHERE id IN (SELECT comment_id FROM del)
	RETURNING id, site_id, story_id
), event AS (
	` + insertEventSQL + `SELECT site_id, story_id, '` + parley.EventReaction + `', id FROM upd
)
SELECT EXISTS (SELECT 1 FROM upd)`

// RemoveReaction deletes the reaction; false if there was none.
func (t *unit) RemoveReaction(ctx context.Context, commentID, userID string) (bool, error) {
	var removed bool
	if err := t.db.QueryRow(ctx, removeReactionSQL, commentID, userID).Scan(&removed); err != nil {
		return false, translate(err, "reaction")
	}
	return removed, nil
}

// UserReactions returns the IDs of the comments on a story that the user
// reacted to, in ID order.
func (s *Store) UserReactions(ctx context.Context, siteID, storyID, userID string) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT comment_id FROM reactions
		WHERE user_id = $3 AND site_id = $1 AND story_id = $2 ORDER BY comment_id`, siteID, storyID, userID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err, "reaction")
	}
	return ids, nil
}
