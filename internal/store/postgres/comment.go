package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const commentColumns = `id, site_id, story_id, parent_id, root_id, depth, author_id, author_name,
	body, html, status, reply_count, reaction_count, report_count, created_at, edited_at, deleted_at,
	featured, newcomer, reports_reviewed`

// insertCommentSQL is the INSERT shared by both paths of CreateComment; it
// inserts nothing when the caller's condition (appended) is false.
const insertCommentSQL = `INSERT INTO comments (` + commentColumns + `, ip_hash)
	SELECT $1, $2, $3, $4, $5, $6::integer, $7, $8, $9, $10, $11, 0, 0, 0,
		$12::timestamptz, $13::timestamptz, $14::timestamptz, $16::boolean, $17::boolean, 0, $15::text`

// createCommentSQL stores a comment and its counts in one statement, so in
// one round trip and one implicit transaction: it applies the Effects of
// parley.Transition("", status, 0), raising the parent's ReplyCount by $18
// (ParentReplies), the author's counts by $20 to $22 (Author) and the
// story's CommentCount by one if $19 (StoryCount is 1, in this
// connection's slot as in addToStorySQL; a new comment never lowers it),
// and appends the comment's event. The parent row is locked
// first, then the count slot, as everywhere in this package; the event takes
// no row lock, only the next ID of a sequence, so concurrent commenters on
// one story still do not queue for each other. It inserts nothing (and
// returns 0) when the parent is missing or on another story, or when it is
// a hidden deleted comment that this reply would bring back (where
// parley.Ripple would carry the change further up); CreateComment then
// takes the careful path.
const createCommentSQL = `
WITH parent AS (
	UPDATE comments SET reply_count = reply_count + $18
	WHERE $4 <> '' AND id = $4 AND site_id = $2 AND story_id = $3
		AND NOT ($18 > 0 AND status = 'deleted' AND reply_count = 0)
	RETURNING id
), ins AS (
	` + insertCommentSQL + `
	WHERE $4 = '' OR EXISTS (SELECT 1 FROM parent)
	RETURNING id
), author AS (
	UPDATE users SET approved_count = approved_count + $20::integer, pending_count = pending_count + $21::integer,
		rejected_count = rejected_count + $22::integer
	WHERE id = $7 AND ($20::integer <> 0 OR $21::integer <> 0 OR $22::integer <> 0) AND EXISTS (SELECT 1 FROM ins)
	RETURNING id
), story AS (
	INSERT INTO story_counts (site_id, story_id, slot, n)
	SELECT $2, $3, (pg_backend_pid() % 64)::smallint, 1
	WHERE $19::boolean AND EXISTS (SELECT 1 FROM ins)
	ON CONFLICT (site_id, story_id, slot) DO UPDATE SET n = story_counts.n + 1
	RETURNING slot
), event AS (
	` + insertEventSQL + `SELECT $2, $3, '` + parley.EventCommentCreated + `', id FROM ins
)
SELECT count(*) FROM ins`

// CreateComment stores c, raises the counts it affects and appends its
// event; ECONFLICT if the ID is taken, ENOTFOUND if the story or parent does
// not exist. Called on the Store, it shares a commit with the comments
// posted at the same moment (batch.go).
func (t *unit) CreateComment(ctx context.Context, c *parley.Comment) error {
	e := parley.Transition("", c.Status, 0)
	if c.ParentID == "" {
		e.ParentReplies = 0
	}
	args := commentArgs(c)
	full := append(args[:len(args):len(args)], e.ParentReplies, e.StoryCount > 0, e.Author.Approved, e.Author.Pending, e.Author.Rejected)
	var inserted int
	var err error
	if t.batch != nil {
		inserted, err = t.batch.createComment(ctx, full)
	} else {
		err = t.db.QueryRow(ctx, createCommentSQL, full...).Scan(&inserted)
	}
	if err != nil {
		return translate(err, "comment")
	}
	if inserted == 1 {
		return nil
	}
	return translate(inTx(ctx, t.db, func(tx pgx.Tx) error {
		return createReply(ctx, tx, c, e, args)
	}), "comment")
}

// createReply stores a reply whose parent may bring a chain of deleted
// ancestors back into the thread, walking up as far as Shown states flip.
func createReply(ctx context.Context, tx pgx.Tx, c *parley.Comment, e parley.Effects, args []any) error {
	var siteID, storyID string
	err := tx.QueryRow(ctx, `SELECT site_id, story_id FROM comments WHERE id = $1 FOR UPDATE`, c.ParentID).
		Scan(&siteID, &storyID)
	if err != nil {
		return translate(err, "parent comment")
	}
	if siteID != c.SiteID || storyID != c.StoryID {
		return notFound("parent comment")
	}
	if _, err := tx.Exec(ctx, insertCommentSQL, args...); err != nil {
		return translate(err, "comment")
	}
	return apply(ctx, tx, e, c.ID, c.ParentID, c.SiteID, c.StoryID, c.AuthorID)
}

// commentArgs returns the parameters $1 to $17 of insertCommentSQL.
func commentArgs(c *parley.Comment) []any {
	var ip *string
	if c.IPHash != "" {
		ip = &c.IPHash
	}
	return []any{c.ID, c.SiteID, c.StoryID, c.ParentID, c.RootID, c.Depth, c.AuthorID, c.AuthorName,
		c.Body, c.HTML, c.Status, c.CreatedAt, nullTime(c.EditedAt), nullTime(c.DeletedAt), ip, c.Featured, c.Newcomer}
}

// Comment returns a comment by ID, whatever its status; ENOTFOUND.
func (t *unit) Comment(ctx context.Context, id string) (*parley.Comment, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, scanComment)
	if err != nil {
		return nil, translate(err, "comment")
	}
	return c, nil
}

// editCommentSQL edits a comment and appends its event in one statement;
// it inserts one event, or none when the comment does not exist.
const editCommentSQL = `
WITH edited AS (
	UPDATE comments SET body = $2, html = $3, edited_at = $4 WHERE id = $1
	RETURNING site_id, story_id, id
)
` + insertEventSQL + `SELECT site_id, story_id, '` + parley.EventCommentEdited + `', id FROM edited`

// EditComment replaces a comment's Body and HTML, sets EditedAt and appends
// its event; ENOTFOUND.
func (t *unit) EditComment(ctx context.Context, id, body, html string, at time.Time) error {
	tag, err := t.db.Exec(ctx, editCommentSQL, id, body, html, at)
	if err != nil {
		return translate(err, "comment")
	}
	if tag.RowsAffected() == 0 {
		return notFound("comment")
	}
	return nil
}

func scanComment(row pgx.CollectableRow) (*parley.Comment, error) { return scanCommentAnd(row) }

// scanCommentAnd reads the commentColumns, in their order, and then dest.
func scanCommentAnd(row pgx.Row, dest ...any) (*parley.Comment, error) {
	var c parley.Comment
	var edited, deleted *time.Time
	err := row.Scan(append([]any{&c.ID, &c.SiteID, &c.StoryID, &c.ParentID, &c.RootID, &c.Depth, &c.AuthorID,
		&c.AuthorName, &c.Body, &c.HTML, &c.Status, &c.ReplyCount, &c.ReactionCount, &c.ReportCount,
		&c.CreatedAt, &edited, &deleted, &c.Featured, &c.Newcomer, &c.ReportsReviewed}, dest...)...)
	c.CreatedAt = c.CreatedAt.UTC()
	c.EditedAt = fromNull(edited)
	c.DeletedAt = fromNull(deleted)
	return &c, err
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fromNull reads NULL as the zero time and anything else in UTC.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
