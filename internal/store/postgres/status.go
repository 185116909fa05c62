package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// SetCommentStatus changes a comment's status and, in the same transaction,
// the ReplyCount of every ancestor whose Shown state the change flips and
// the story's CommentCount, and appends the events of the comment and of
// every ancestor it hides or shows. Rows are locked from the comment upwards
// and the story's count slot last, the order every writer in this package
// follows; events lock nothing.
func (s *Store) SetCommentStatus(ctx context.Context, id, status string, at time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var old, parentID, siteID, storyID string
		var replies int
		err := tx.QueryRow(ctx, `SELECT status, reply_count, parent_id, site_id, story_id
			FROM comments WHERE id = $1 FOR UPDATE`, id).Scan(&old, &replies, &parentID, &siteID, &storyID)
		if err != nil {
			return translate(err, "comment")
		}
		_, err = tx.Exec(ctx, `UPDATE comments SET status = $2,
				body = CASE WHEN $2 = 'deleted' THEN '' ELSE body END,
				html = CASE WHEN $2 = 'deleted' THEN '' ELSE html END,
				deleted_at = CASE WHEN $2 = 'deleted' THEN $3 ELSE deleted_at END
			WHERE id = $1`, id, status, at)
		if err != nil {
			return translate(err, "comment")
		}
		if typ := parley.StatusEvent(old, status); typ != "" {
			if err := appendEvent(ctx, tx, siteID, storyID, typ, id); err != nil {
				return err
			}
		}
		if was, is := parley.Shown(old, replies), parley.Shown(status, replies); was != is {
			if err := adjustReplies(ctx, tx, parentID, delta(is)); err != nil {
				return err
			}
		}
		if was, is := old == parley.StatusApproved, status == parley.StatusApproved; was != is {
			return adjustStory(ctx, tx, siteID, storyID, delta(is))
		}
		return nil
	})
	return translate(err, "comment") // begin and commit fail when the database is gone
}

// adjustReplies adds d to the ReplyCount of the comment id and carries the
// change up to its parent as long as the comment's Shown state flips: a
// deleted comment appears when it gains its first shown reply and vanishes
// when it loses its last. Each comment that appears or vanishes gets an
// event, so that live readers show or remove it too.
func adjustReplies(ctx context.Context, tx pgx.Tx, id string, d int) error {
	for id != "" {
		var status, parentID, siteID, storyID string
		var before int
		err := tx.QueryRow(ctx, `UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1
			RETURNING status, reply_count - $2, parent_id, site_id, story_id`, id, d).
			Scan(&status, &before, &parentID, &siteID, &storyID)
		if err != nil {
			return translate(err, "parent comment")
		}
		was, is := parley.Shown(status, before), parley.Shown(status, before+d)
		if was == is {
			return nil
		}
		if err := appendEvent(ctx, tx, siteID, storyID, parley.ShownEvent(is), id); err != nil {
			return err
		}
		id = parentID
	}
	return nil
}

// adjustStory adds d to a story's CommentCount.
func adjustStory(ctx context.Context, tx pgx.Tx, siteID, storyID string, d int) error {
	_, err := tx.Exec(ctx, addToStorySQL, siteID, storyID, d)
	return translate(err, "story")
}

// delta is +1 for a gain and -1 for a loss.
func delta(gained bool) int {
	if gained {
		return 1
	}
	return -1
}
