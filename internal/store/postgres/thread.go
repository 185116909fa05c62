package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"parley"
)

// shown is parley.Shown in SQL. The page indexes are partial on exactly this
// text, which lets the planner use them.
const shown = `(status = 'approved' OR (status = 'deleted' AND reply_count > 0))`

// pageOrder holds, per sort, the ORDER BY and the condition that continues
// after a cursor ($4 is the cursor's ID, $5 its Key). Each order matches an
// index read forwards or backwards, so a page never needs a sort.
var pageOrder = map[string]struct{ orderBy, after string }{
	parley.SortNewest:  {"id DESC", "id < $4"},
	parley.SortOldest:  {"id", "id > $4"},
	parley.SortTop:     {"reaction_count DESC, id DESC", "(reaction_count, id) < ($5, $4)"},
	parley.SortReplies: {"reply_count DESC, id DESC", "(reply_count, id) < ($5, $4)"},
}

// Comments returns one page of the query, Shown comments only.
func (s *Store) Comments(ctx context.Context, q parley.CommentQuery) ([]*parley.Comment, error) {
	query, args, err := pageSQL(q)
	if err != nil {
		return nil, err
	}
	return s.comments(ctx, query, args...)
}

// pageSQL returns the query for one page and its arguments. A first page
// and a later one are different statements, so that each gets a plan that
// starts the index scan at the cursor.
func pageSQL(q parley.CommentQuery) (string, []any, error) {
	order, ok := pageOrder[q.Sort]
	if !ok {
		return "", nil, parley.Errorf(parley.EINVALID, "Unknown sort order %q.", q.Sort)
	}
	if q.Limit < 1 {
		return "", nil, parley.Errorf(parley.EINVALID, "A page holds at least one comment.")
	}
	query := `SELECT ` + commentColumns + ` FROM comments
		WHERE site_id = $1 AND story_id = $2 AND parent_id = $3 AND ` + shown
	args := []any{q.SiteID, q.StoryID, q.ParentID}
	if q.After != nil {
		query += ` AND ` + order.after
		args = append(args, q.After.ID)
		if q.Sort == parley.SortTop || q.Sort == parley.SortReplies {
			args = append(args, q.After.Key)
		}
	}
	query += ` ORDER BY ` + order.orderBy + ` LIMIT ` + placeholder(len(args)+1)
	return query, append(args, q.Limit), nil
}

// repliesSQL fetches the first replies of many parents in one query: one
// short index range per parent, in the order the parents were given.
const repliesSQL = `SELECT c.* FROM unnest($1::text[]) WITH ORDINALITY AS p (id, n)
CROSS JOIN LATERAL (
	SELECT ` + commentColumns + ` FROM comments
	WHERE parent_id = p.id AND parent_id <> '' AND ` + shown + `
	ORDER BY id LIMIT $2
) c
ORDER BY p.n, c.id`

// Replies returns the first perParent Shown replies of each parent, oldest
// first, grouped by parent in the order of parentIDs.
func (s *Store) Replies(ctx context.Context, parentIDs []string, perParent int) ([]*parley.Comment, error) {
	if len(parentIDs) == 0 || perParent < 1 {
		return []*parley.Comment{}, nil
	}
	return s.comments(ctx, repliesSQL, parentIDs, perParent)
}

// UserComments returns a user's comments on a story that are not deleted,
// oldest first: what the author sees of their own pending work.
func (s *Store) UserComments(ctx context.Context, siteID, storyID, userID string, limit int) ([]*parley.Comment, error) {
	return s.comments(ctx, userCommentsSQL, siteID, storyID, userID, max(limit, 0))
}

// userCommentsSQL reads an author's comments on a story: $1 site, $2
// story, $3 author, $4 limit.
const userCommentsSQL = `SELECT ` + commentColumns + ` FROM comments
	WHERE author_id = $3 AND site_id = $1 AND story_id = $2 AND status <> 'deleted'
	ORDER BY id LIMIT $4`

func (s *Store) comments(ctx context.Context, query string, args ...any) ([]*parley.Comment, error) {
	rows, _ := s.pool.Query(ctx, query, args...)
	cs, err := pgx.CollectRows(rows, scanComment)
	if err != nil {
		return nil, translate(err, "comment")
	}
	return cs, nil
}

// placeholder returns the SQL parameter $n.
func placeholder(n int) string {
	return "$" + strconv.Itoa(n)
}
