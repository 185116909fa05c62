package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"parley"
)

const commentColumns = `id, site_id, story_id, parent_id, root_id, depth, author_id, author_name, body, html,
	status, reply_count, reaction_count, report_count, created_at, edited_at, deleted_at`

// shown is parley.Shown in SQL, for filtering in queries; counts are kept
// with parley.Shown itself.
const shown = `(status = 'approved' OR (status = 'deleted' AND reply_count > 0))`

// repliesQuery reads the first replies of one parent: ?1 parent, ?2 limit.
const repliesQuery = `SELECT ` + commentColumns + ` FROM comments
	WHERE parent_id = ?1 AND parent_id <> '' AND ` + shown + ` ORDER BY id LIMIT ?2`

// userCommentsQuery reads an author's comments on a story: ?1 author,
// ?2 site, ?3 story, ?4 limit.
const userCommentsQuery = `SELECT ` + commentColumns + ` FROM comments
	WHERE author_id = ? AND site_id = ? AND story_id = ? AND status <> 'deleted' ORDER BY id LIMIT ?`

// CreateComment stores c, raises the counts it affects and appends its
// event.
func (s *Store) CreateComment(ctx context.Context, c *parley.Comment) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		if c.ParentID != "" {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM comments WHERE id = ? AND site_id = ? AND story_id = ?`,
				c.ParentID, c.SiteID, c.StoryID).Scan(&one)
			if err != nil {
				return mapError(err, "Parent comment", "Story")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO comments (`+commentColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?)`,
			c.ID, c.SiteID, c.StoryID, c.ParentID, c.RootID, c.Depth, c.AuthorID, c.AuthorName, c.Body, c.HTML,
			c.Status, millis(c.CreatedAt), millis(c.EditedAt), millis(c.DeletedAt))
		if err != nil {
			return mapError(err, "Comment", "Story")
		}
		if err := appendEvent(ctx, tx, c.SiteID, c.StoryID, parley.EventCommentCreated, c.ID, c.CreatedAt); err != nil {
			return err
		}
		if c.Status == parley.StatusApproved {
			if err := addStoryCount(ctx, tx, c.SiteID, c.StoryID, 1); err != nil {
				return err
			}
		}
		if parley.Shown(c.Status, 0) {
			return addReplies(ctx, tx, c.ParentID, 1, c.CreatedAt)
		}
		return nil
	})
}

// Comment returns a comment by ID, whatever its status; ENOTFOUND.
func (s *Store) Comment(ctx context.Context, id string) (*parley.Comment, error) {
	c, err := scanComment(s.queryRow(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = ?`, id))
	if err != nil {
		return nil, mapError(err, "Comment", "Story")
	}
	return c, nil
}

// EditComment replaces a comment's Body and HTML, sets EditedAt and appends
// its event; ENOTFOUND.
func (s *Store) EditComment(ctx context.Context, id, body, html string, at time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		var siteID, storyID string
		err := tx.QueryRowContext(ctx, `UPDATE comments SET body = ?, html = ?, edited_at = ? WHERE id = ?
			RETURNING site_id, story_id`, body, html, millis(at), id).Scan(&siteID, &storyID)
		if err != nil {
			return mapError(err, "Comment", "Story")
		}
		return appendEvent(ctx, tx, siteID, storyID, parley.EventCommentEdited, id, at)
	})
}

// SetCommentStatus changes a comment's status, adjusts the counts of its
// story and ancestors and appends the events of the comment and of every
// ancestor it hides or shows; ENOTFOUND.
func (s *Store) SetCommentStatus(ctx context.Context, id, status string, at time.Time) error {
	switch status {
	case parley.StatusApproved, parley.StatusPending, parley.StatusRejected, parley.StatusDeleted:
	default:
		return parley.Errorf(parley.EINVALID, "%q is not a comment status.", status)
	}
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		return setStatus(ctx, tx, id, status, at)
	})
}

func setStatus(ctx context.Context, tx *txn, id, status string, at time.Time) error {
	var old, parent, siteID, storyID string
	var replies int
	err := tx.QueryRowContext(ctx, `SELECT status, reply_count, parent_id, site_id, story_id FROM comments WHERE id = ?`,
		id).Scan(&old, &replies, &parent, &siteID, &storyID)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	deleted := status == parley.StatusDeleted
	_, err = tx.ExecContext(ctx, `UPDATE comments SET status = ?1,
		body = CASE WHEN ?2 THEN '' ELSE body END, html = CASE WHEN ?2 THEN '' ELSE html END,
		deleted_at = CASE WHEN ?2 THEN ?3 ELSE deleted_at END WHERE id = ?4`, status, deleted, millis(at), id)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	if typ := parley.StatusEvent(old, status); typ != "" {
		if err := appendEvent(ctx, tx, siteID, storyID, typ, id, at); err != nil {
			return err
		}
	}
	if was, is := old == parley.StatusApproved, status == parley.StatusApproved; was != is {
		if err := addStoryCount(ctx, tx, siteID, storyID, delta(is)); err != nil {
			return err
		}
	}
	if was, is := parley.Shown(old, replies), parley.Shown(status, replies); was != is {
		return addReplies(ctx, tx, parent, delta(is), at)
	}
	return nil
}

// delta is +1 for something that starts to count and -1 for something that
// stops.
func delta(counts bool) int {
	if counts {
		return 1
	}
	return -1
}

func addStoryCount(ctx context.Context, tx *txn, siteID, storyID string, n int) error {
	_, err := tx.ExecContext(ctx, `UPDATE stories SET comment_count = comment_count + ? WHERE site_id = ? AND id = ?`,
		n, siteID, storyID)
	return mapError(err, "Story", "Site")
}

// addReplies changes the ReplyCount of comment id by n (±1) and walks up
// the ancestry for as long as the change flips a comment's Shown state: a
// deleted placeholder that loses its last reply disappears from its parent,
// and one that gains a reply comes back. Each such placeholder gets an
// event at the time at, so that live readers remove or show it too.
func addReplies(ctx context.Context, tx *txn, id string, n int, at time.Time) error {
	for id != "" {
		var status, parent, siteID, storyID string
		var replies int
		err := tx.QueryRowContext(ctx, `UPDATE comments SET reply_count = reply_count + ? WHERE id = ?
			RETURNING status, reply_count, parent_id, site_id, story_id`, n, id).
			Scan(&status, &replies, &parent, &siteID, &storyID)
		if err != nil {
			return mapError(err, "Parent comment", "Story")
		}
		was, is := parley.Shown(status, replies-n), parley.Shown(status, replies)
		if was == is {
			return nil
		}
		if err := appendEvent(ctx, tx, siteID, storyID, parley.ShownEvent(is), id, at); err != nil {
			return err
		}
		id, n = parent, delta(is)
	}
	return nil
}

// Comments returns one page of the query, Shown comments only. Each sort
// has its own index, and a cursor turns into a seek on it.
func (s *Store) Comments(ctx context.Context, q parley.CommentQuery) ([]*parley.Comment, error) {
	query, err := pageQuery(q.Sort, q.After != nil, q.ParentID == "")
	if err != nil {
		return nil, err
	}
	if q.Limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	after := q.After
	if after == nil {
		after = &parley.Cursor{}
	}
	return s.comments(ctx, query, q.SiteID, q.StoryID, q.ParentID, after.Key, after.ID, q.Limit)
}

// pageQuery returns the SQL for one page in the given sort, of the top
// level or of one parent's replies. Its parameters are ?1 site, ?2 story,
// ?3 parent, ?4 cursor key, ?5 cursor ID, ?6 limit. The literal parent
// conditions are what lets SQLite use the partial indexes.
func pageQuery(sort string, after, topLevel bool) (string, error) {
	var order, seek string
	switch sort {
	case parley.SortNewest:
		order, seek = "id DESC", "id < ?5"
	case parley.SortOldest:
		order, seek = "id", "id > ?5"
	case parley.SortTop:
		order, seek = "reaction_count DESC, id DESC", "(reaction_count, id) < (?4, ?5)"
	case parley.SortReplies:
		order, seek = "reply_count DESC, id DESC", "(reply_count, id) < (?4, ?5)"
	default:
		return "", parley.Errorf(parley.EINVALID, "%q is not a sort order.", sort)
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + commentColumns + ` FROM comments WHERE `)
	if topLevel {
		b.WriteString(`site_id = ?1 AND story_id = ?2 AND parent_id = '' AND ` + shown)
	} else {
		b.WriteString(`parent_id = ?3 AND parent_id <> '' AND site_id = ?1 AND story_id = ?2 AND ` + shown)
	}
	if after {
		b.WriteString(" AND " + seek)
	}
	fmt.Fprintf(&b, " ORDER BY %s LIMIT ?6", order)
	return b.String(), nil
}

// Replies returns, for each parent in the order given, its first perParent
// Shown direct replies, oldest first. One read transaction keeps the
// parents consistent with each other; each parent is one short index seek.
func (s *Store) Replies(ctx context.Context, parentIDs []string, perParent int) ([]*parley.Comment, error) {
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, outage(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, repliesQuery)
	if err != nil {
		return nil, outage(err)
	}
	defer stmt.Close()
	var out []*parley.Comment
	seen := make(map[string]bool, len(parentIDs))
	for _, id := range parentIDs {
		if seen[id] || id == "" {
			continue
		}
		seen[id] = true
		rows, err := stmt.QueryContext(ctx, id, perParent)
		if out, err = appendComments(out, rows, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UserComments returns a user's comments on a story that are not deleted,
// oldest first, at most limit.
func (s *Store) UserComments(ctx context.Context, siteID, storyID, userID string, limit int) ([]*parley.Comment, error) {
	return s.comments(ctx, userCommentsQuery, userID, siteID, storyID, limit)
}

func (s *Store) comments(ctx context.Context, query string, args ...any) ([]*parley.Comment, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	return appendComments(nil, rows, err)
}

// appendComments scans rows (and the error that came with them) onto out.
func appendComments(out []*parley.Comment, rows *sql.Rows, err error) ([]*parley.Comment, error) {
	return appendRows(out, rows, err, scanComment, "Comment", "Story")
}

func scanComment(row scanner) (*parley.Comment, error) {
	var c parley.Comment
	var created, edited, deleted int64
	err := row.Scan(&c.ID, &c.SiteID, &c.StoryID, &c.ParentID, &c.RootID, &c.Depth, &c.AuthorID, &c.AuthorName,
		&c.Body, &c.HTML, &c.Status, &c.ReplyCount, &c.ReactionCount, &c.ReportCount, &created, &edited, &deleted)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.EditedAt, c.DeletedAt = fromMillis(created), fromMillis(edited), fromMillis(deleted)
	return &c, nil
}
