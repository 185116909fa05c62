package sqlite

import (
	"context"
	"database/sql"
	"time"

	"parley"
)

// This file writes comments. What a new comment or a status change does to
// counts, placeholders and events is decided by parley.Transition and
// parley.Ripple; the code here only applies their answers.

// CreateComment stores c, raises the counts it affects and appends its
// event.
func (s *Store) CreateComment(ctx context.Context, c *parley.Comment) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateComment(ctx, c) })
}

// CreateComment stores c in the unit; see Store.CreateComment.
func (w *unit) CreateComment(_ context.Context, c *parley.Comment) error {
	ctx, tx := w.ctx, w.tx
	res, err := tx.ExecContext(ctx, insertCommentSQL,
		c.ID, c.SiteID, c.StoryID, c.ParentID, c.RootID, c.Depth, c.AuthorID, c.AuthorName, c.Body, c.HTML,
		c.Status, millis(c.CreatedAt), millis(c.EditedAt), millis(c.DeletedAt), c.Featured, c.Newcomer, nullString(c.IPHash))
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapError(err, "Comment", "Story")
	} else if n == 0 { // the parent is not in the story
		return mapError(sql.ErrNoRows, "Parent comment", "Story")
	}
	return w.apply(parley.Transition("", c.Status, 0), c.ID, c.ParentID, c.SiteID, c.StoryID, c.AuthorID, c.CreatedAt)
}

// insertCommentSQL writes a new comment (?1 to ?17, commentColumns with
// the counts and reports_reviewed 0, then ip_hash) if it is top-level or
// its parent (?4) is in its story: no row when the parent is not. The
// parent check is part of the insert, one statement in the writer's turn
// instead of two.
const insertCommentSQL = `INSERT INTO comments (` + commentColumns + `, ip_hash)
	SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, ?12, ?13, ?14, ?15, ?16, 0, ?17
	WHERE ?4 = '' OR EXISTS (SELECT 1 FROM comments WHERE id = ?4 AND site_id = ?2 AND story_id = ?3)`

// EditComment replaces a comment's Body and HTML, sets EditedAt and appends
// its event; ENOTFOUND.
func (s *Store) EditComment(ctx context.Context, id, body, html string, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.EditComment(ctx, id, body, html, at) })
}

// EditComment edits a comment in the unit; see Store.EditComment.
func (w *unit) EditComment(_ context.Context, id, body, html string, at time.Time) error {
	var siteID, storyID string
	err := w.tx.QueryRowContext(w.ctx, `UPDATE comments SET body = ?, html = ?, edited_at = ? WHERE id = ?
		RETURNING site_id, story_id`, body, html, millis(at), id).Scan(&siteID, &storyID)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	return appendEvent(w.ctx, w.tx, siteID, storyID, parley.EventCommentEdited, id, at)
}

// SetCommentStatus changes a comment's status and applies what
// parley.Transition says the change does; EINVALID, ENOTFOUND.
func (s *Store) SetCommentStatus(ctx context.Context, id, status string, at time.Time) error {
	if !parley.ValidStatus(status) {
		return invalidStatus(status)
	}
	return s.writeUnit(ctx, func(w *unit) error { return w.SetCommentStatus(ctx, id, status, at) })
}

// SetCommentStatus changes a comment's status in the unit; see
// Store.SetCommentStatus.
func (w *unit) SetCommentStatus(_ context.Context, id, status string, at time.Time) error {
	if !parley.ValidStatus(status) {
		return invalidStatus(status)
	}
	ctx, tx := w.ctx, w.tx
	var old, parent, siteID, storyID, author string
	var replies int
	err := tx.QueryRowContext(ctx, `SELECT status, reply_count, parent_id, site_id, story_id, author_id FROM comments WHERE id = ?`,
		id).Scan(&old, &replies, &parent, &siteID, &storyID, &author)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	e := parley.Transition(old, status, replies)
	_, err = tx.ExecContext(ctx, `UPDATE comments SET status = ?1,
		body = CASE WHEN ?2 THEN '' ELSE body END, html = CASE WHEN ?2 THEN '' ELSE html END,
		deleted_at = CASE WHEN ?2 THEN ?3 ELSE deleted_at END WHERE id = ?4`, status, e.Clear, millis(at), id)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	return w.apply(e, id, parent, siteID, storyID, author, at)
}

func invalidStatus(status string) error {
	return parley.Errorf(parley.EINVALID, "%q is not a comment status.", status)
}

// apply carries out the effects of a transition of comment id other than
// its own row: its event, the story's count, its author's counts and its
// parent's replies.
func (w *unit) apply(e parley.Effects, id, parent, siteID, storyID, author string, at time.Time) error {
	if err := addAuthorCounts(w.ctx, w.tx, author, e.Author); err != nil {
		return err
	}
	if e.Event != "" {
		if err := appendEvent(w.ctx, w.tx, siteID, storyID, e.Event, id, at); err != nil {
			return err
		}
	}
	if e.StoryCount != 0 {
		if err := addStoryCount(w.ctx, w.tx, siteID, storyID, e.StoryCount); err != nil {
			return err
		}
	}
	if e.ParentReplies != 0 {
		return addReplies(w.ctx, w.tx, parent, e.ParentReplies, at)
	}
	return nil
}

// addAuthorCounts adds d to the counts of user id; an author who is gone
// (erased) has no row to count in.
func addAuthorCounts(ctx context.Context, tx *txn, id string, d parley.UserCounts) error {
	if d == (parley.UserCounts{}) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET approved_count = approved_count + ?, pending_count = pending_count + ?,
		rejected_count = rejected_count + ? WHERE id = ?`, d.Approved, d.Pending, d.Rejected, id)
	return mapError(err, "User", "Site")
}

func addStoryCount(ctx context.Context, tx *txn, siteID, storyID string, n int) error {
	_, err := tx.ExecContext(ctx, `UPDATE stories SET comment_count = comment_count + ? WHERE site_id = ? AND id = ?`,
		n, siteID, storyID)
	return mapError(err, "Story", "Site")
}

// addReplies changes the ReplyCount of comment id by n (±1) and walks up
// the ancestry for as long as parley.Ripple passes a change on, appending
// the event it names for each placeholder that appears or vanishes at the
// time at, so that live readers show or remove it too.
func addReplies(ctx context.Context, tx *txn, id string, n int, at time.Time) error {
	for id != "" && n != 0 {
		var status, parent, siteID, storyID string
		var replies int
		err := tx.QueryRowContext(ctx, `UPDATE comments SET reply_count = reply_count + ? WHERE id = ?
			RETURNING status, reply_count, parent_id, site_id, story_id`, n, id).
			Scan(&status, &replies, &parent, &siteID, &storyID)
		if err != nil {
			return mapError(err, "Parent comment", "Story")
		}
		up, event := parley.Ripple(status, replies-n, n)
		if event != "" {
			if err := appendEvent(ctx, tx, siteID, storyID, event, id, at); err != nil {
				return err
			}
		}
		id, n = parent, up
	}
	return nil
}
