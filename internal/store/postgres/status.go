package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// SetCommentStatus changes a comment's status and, in the same transaction,
// applies what parley.Transition says the change does. Rows are locked from
// the comment upwards and the story's count slot last, the order every
// writer in this package follows; events lock nothing.
func (t *unit) SetCommentStatus(ctx context.Context, id, status string, at time.Time) error {
	if !parley.ValidStatus(status) {
		return parley.Errorf(parley.EINVALID, "%q is not a comment status.", status)
	}
	err := inTx(ctx, t.db, func(tx pgx.Tx) error {
		var old, parentID, siteID, storyID, authorID string
		var replies int
		err := tx.QueryRow(ctx, `SELECT status, reply_count, parent_id, site_id, story_id, author_id
			FROM comments WHERE id = $1 FOR UPDATE`, id).Scan(&old, &replies, &parentID, &siteID, &storyID, &authorID)
		if err != nil {
			return translate(err, "comment")
		}
		e := parley.Transition(old, status, replies)
		_, err = tx.Exec(ctx, `UPDATE comments SET status = $2,
				body = CASE WHEN $4 THEN '' ELSE body END,
				html = CASE WHEN $4 THEN '' ELSE html END,
				deleted_at = CASE WHEN $4 THEN $3 ELSE deleted_at END
			WHERE id = $1`, id, status, at, e.Clear)
		if err != nil {
			return translate(err, "comment")
		}
		return apply(ctx, tx, e, id, parentID, siteID, storyID, authorID)
	})
	return translate(err, "comment") // begin and commit fail when the database is gone
}

// apply carries out the effects of a transition of comment id other than
// its own row, in lock order: its event, its parent's replies (and up),
// its author's counts, the story's count.
func apply(ctx context.Context, tx pgx.Tx, e parley.Effects, id, parentID, siteID, storyID, authorID string) error {
	if e.Event != "" {
		if err := appendEvent(ctx, tx, siteID, storyID, e.Event, id); err != nil {
			return err
		}
	}
	if e.ParentReplies != 0 {
		if err := adjustReplies(ctx, tx, parentID, e.ParentReplies); err != nil {
			return err
		}
	}
	if e.Author != (parley.UserCounts{}) {
		if err := adjustAuthor(ctx, tx, authorID, e.Author); err != nil {
			return err
		}
	}
	if e.StoryCount != 0 {
		return adjustStory(ctx, tx, siteID, storyID, e.StoryCount)
	}
	return nil
}

// adjustAuthor adds d to the counts of user id; an author who is gone
// (erased) has no row to count in.
func adjustAuthor(ctx context.Context, tx pgx.Tx, id string, d parley.UserCounts) error {
	_, err := tx.Exec(ctx, `UPDATE users SET approved_count = approved_count + $2, pending_count = pending_count + $3,
		rejected_count = rejected_count + $4 WHERE id = $1`, id, d.Approved, d.Pending, d.Rejected)
	return translate(err, "user")
}

// adjustReplies adds d to the ReplyCount of the comment id and carries the
// change up the ancestry as long as parley.Ripple passes one on, appending
// the event it names for each placeholder that appears or vanishes, so that
// live readers show or remove it too.
func adjustReplies(ctx context.Context, tx pgx.Tx, id string, d int) error {
	for id != "" && d != 0 {
		var status, parentID, siteID, storyID string
		var before int
		err := tx.QueryRow(ctx, `UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1
			RETURNING status, reply_count - $2, parent_id, site_id, story_id`, id, d).
			Scan(&status, &before, &parentID, &siteID, &storyID)
		if err != nil {
			return translate(err, "parent comment")
		}
		up, event := parley.Ripple(status, before, d)
		if event != "" {
			if err := appendEvent(ctx, tx, siteID, storyID, event, id); err != nil {
				return err
			}
		}
		id, d = parentID, up
	}
	return nil
}

// adjustStory adds d to a story's CommentCount.
func adjustStory(ctx context.Context, tx pgx.Tx, siteID, storyID string, d int) error {
	_, err := tx.Exec(ctx, addToStorySQL, siteID, storyID, d)
	return translate(err, "story")
}
