package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// queueConditions are the conditions of each queue beyond the site (and
// story); those of reported, new and featured are the predicates of their
// partial indexes (migration 0014).
var queueConditions = map[string]string{
	parley.QueuePending:  `status = 'pending'`,
	parley.QueueRejected: `status = 'rejected'`,
	parley.QueueApproved: `status = 'approved'`,
	parley.QueueReported: `report_count > reports_reviewed AND status = 'approved'`,
	parley.QueueNew:      `newcomer AND status IN ('pending', 'approved')`,
	parley.QueueFeatured: `featured`,
}

// QueueComments returns one page of a queue, newest first; see
// parley.QueueReader.
func (s *Store) QueueComments(ctx context.Context, q parley.QueueQuery) ([]*parley.Comment, error) {
	if err := parley.CheckQueueQuery(q); err != nil {
		return nil, err
	}
	query, args := queueQuery(q)
	rows, _ := s.pool.Query(ctx, query, args...)
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.Comment, error) {
		var ip string
		c, err := scanCommentAnd(row, &ip)
		if err != nil {
			return nil, err
		}
		c.IPHash = ip
		return c, nil
	})
	if err != nil {
		return nil, translate(err, "comment")
	}
	return cs, nil
}

// queueQuery builds the query of one page of q: the queue's index (per
// story when q names one, per author or address when q names them) read
// backwards from the cursor, each further filter a condition on the rows
// it yields.
func queueQuery(q parley.QueueQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + commentColumns + `, coalesce(ip_hash, '') FROM comments WHERE site_id = $1`)
	args := []any{q.SiteID}
	cond := func(sql string, v any) {
		args = append(args, v)
		fmt.Fprintf(&b, " AND "+sql, len(args))
	}
	if q.StoryID != "" {
		cond("story_id = $%d", q.StoryID)
	}
	if c := queueConditions[q.Queue]; c != "" {
		b.WriteString(" AND " + c)
	}
	if q.AuthorID != "" {
		cond("author_id = $%d", q.AuthorID)
	}
	if q.IPHash != "" {
		cond("ip_hash = $%d", q.IPHash)
	}
	if q.Text != "" {
		cond(`body ILIKE $%d ESCAPE '\'`, "%"+likeEscape(q.Text)+"%")
	}
	if q.BeforeID != "" {
		cond("id < $%d", q.BeforeID)
	}
	args = append(args, q.Limit)
	fmt.Fprintf(&b, " ORDER BY id DESC LIMIT $%d", len(args))
	return b.String(), args
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// QueueCounts counts each queue up to limit, each count one bounded read
// of the queue's index, all in one statement.
func (s *Store) QueueCounts(ctx context.Context, siteID, storyID string, limit int) (map[string]int, error) {
	args := []any{siteID, limit}
	if storyID != "" {
		args = append(args, storyID)
	}
	counts := make([]int, len(parley.Queues()))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := s.pool.QueryRow(ctx, queueCountsSQL(storyID != ""), args...).Scan(dest...); err != nil {
		return nil, translate(err, "comment")
	}
	out := make(map[string]int, len(counts))
	for i, queue := range parley.Queues() {
		out[queue] = counts[i]
	}
	return out, nil
}

// queueCountsSQL counts every queue of a site ($1), or of one of its
// stories ($3) when story, each up to $2, in the order of parley.Queues.
func queueCountsSQL(story bool) string {
	cond := ""
	if story {
		cond = " AND story_id = $3"
	}
	var parts []string
	for _, queue := range parley.Queues() {
		parts = append(parts, `(SELECT count(*) FROM (SELECT 1 FROM comments WHERE site_id = $1`+cond+
			` AND `+queueConditions[queue]+` LIMIT $2) q)`)
	}
	return `SELECT ` + strings.Join(parts, ", ")
}

// commentReportsSQL reads, per comment and reason, the count and the first
// notes ($2) in one statement.
const commentReportsSQL = `
SELECT comment_id, reason, count(*)::integer,
	coalesce((array_agg(note ORDER BY created_at, id) FILTER (WHERE note <> ''))[1:$2], '{}')
FROM reports WHERE comment_id = ANY($1::text[]) GROUP BY comment_id, reason`

// CommentReports returns the reports of each named comment by reason,
// with the first notes of each.
func (s *Store) CommentReports(ctx context.Context, commentIDs []string, notes int) (map[string][]parley.ReportCount, error) {
	if err := parley.CheckBatch(commentIDs); err != nil {
		return nil, err
	}
	out := map[string][]parley.ReportCount{}
	rows, _ := s.pool.Query(ctx, commentReportsSQL, commentIDs, notes)
	var id string
	var rc parley.ReportCount
	_, err := pgx.ForEachRow(rows, []any{&id, &rc.Reason, &rc.N, &rc.Notes}, func() error {
		if len(rc.Notes) == 0 {
			rc.Notes = nil
		}
		out[id] = append(out[id], rc)
		rc = parley.ReportCount{}
		return nil
	})
	if err != nil {
		return nil, translate(err, "report")
	}
	for _, rcs := range out {
		parley.SortReportCounts(rcs)
	}
	return out, nil
}

// CommentsByID returns those of the named comments that exist.
func (s *Store) CommentsByID(ctx context.Context, ids []string) (map[string]*parley.Comment, error) {
	return byID(ctx, s, ids, `SELECT `+commentColumns+` FROM comments WHERE id = ANY($1::text[])`,
		scanComment, func(c *parley.Comment) string { return c.ID })
}

// UsersByID returns those of the named users that exist.
func (s *Store) UsersByID(ctx context.Context, ids []string) (map[string]*parley.User, error) {
	return byID(ctx, s, ids, `SELECT `+userRead+` FROM users WHERE id = ANY($1::text[])`,
		func(row pgx.CollectableRow) (*parley.User, error) { return scanUser(row) }, func(u *parley.User) string { return u.ID })
}

// StoriesByID returns those of the named stories of a site that exist.
func (s *Store) StoriesByID(ctx context.Context, siteID string, ids []string) (map[string]*parley.Story, error) {
	return byID(ctx, s, ids, selectStory+` WHERE s.id = ANY($1::text[]) AND s.site_id = $2`,
		scanStory, func(st *parley.Story) string { return st.ID }, siteID)
}

// byID reads the rows of query for an array of ids (and more args) into a
// map by key.
func byID[T any](ctx context.Context, s *Store, ids []string, query string, scan pgx.RowToFunc[T], key func(T) string, more ...any) (map[string]T, error) {
	if err := parley.CheckBatch(ids); err != nil {
		return nil, err
	}
	out := make(map[string]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := s.pool.Query(ctx, query, append([]any{ids}, more...)...)
	found, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, translate(err, "row")
	}
	for _, v := range found {
		out[key(v)] = v
	}
	return out, nil
}

// ReviewComment takes a comment out of the reported and new queues;
// ENOTFOUND.
func (t *unit) ReviewComment(ctx context.Context, id string, at time.Time) error {
	tag, err := t.db.Exec(ctx, `UPDATE comments SET reports_reviewed = report_count, newcomer = false, reviewed_at = $2
		WHERE id = $1`, id, at)
	if err != nil {
		return translate(err, "comment")
	}
	if tag.RowsAffected() == 0 {
		return notFound("comment")
	}
	return nil
}

// SetFeatured sets or clears a comment's Featured flag; ENOTFOUND.
func (t *unit) SetFeatured(ctx context.Context, id string, featured bool) error {
	tag, err := t.db.Exec(ctx, `UPDATE comments SET featured = $2 WHERE id = $1`, id, featured)
	if err != nil {
		return translate(err, "comment")
	}
	if tag.RowsAffected() == 0 {
		return notFound("comment")
	}
	return nil
}
