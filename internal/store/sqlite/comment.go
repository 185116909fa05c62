package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"parley"
)

const commentColumns = `id, site_id, story_id, parent_id, root_id, depth, author_id, author_name, body, html,
	status, reply_count, reaction_count, report_count, created_at, edited_at, deleted_at,
	featured, newcomer, reports_reviewed`

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

// Comment returns a comment by ID, whatever its status; ENOTFOUND.
func (s *Store) Comment(ctx context.Context, id string) (*parley.Comment, error) {
	return readComment(ctx, s.queryRow, id)
}

// Comment returns a comment as the unit sees it; ENOTFOUND.
func (w *unit) Comment(_ context.Context, id string) (*parley.Comment, error) {
	return readComment(w.ctx, w.row, id)
}

func readComment(ctx context.Context, row rowQuery, id string) (*parley.Comment, error) {
	c, err := scanComment(row(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = ?`, id))
	if err != nil {
		return nil, mapError(err, "Comment", "Story")
	}
	return c, nil
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

func scanComment(row scanner) (*parley.Comment, error) { return scanCommentAnd(row) }

// scanCommentAnd reads the commentColumns, in their order, and then dest.
func scanCommentAnd(row scanner, dest ...any) (*parley.Comment, error) {
	var c parley.Comment
	var created, edited, deleted int64
	err := row.Scan(append([]any{&c.ID, &c.SiteID, &c.StoryID, &c.ParentID, &c.RootID, &c.Depth, &c.AuthorID, &c.AuthorName,
		&c.Body, &c.HTML, &c.Status, &c.ReplyCount, &c.ReactionCount, &c.ReportCount, &created, &edited, &deleted,
		&c.Featured, &c.Newcomer, &c.ReportsReviewed}, dest...)...)
	if err != nil {
		return nil, err
	}
	c.CreatedAt, c.EditedAt, c.DeletedAt = fromMillis(created), fromMillis(edited), fromMillis(deleted)
	return &c, nil
}
