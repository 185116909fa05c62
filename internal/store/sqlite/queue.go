package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"parley"
)

// queueConditions are the conditions of each queue beyond the site (and
// story). Those of reported, new and featured repeat the predicates of
// their partial indexes (migration 0014) word for word, which is what lets
// SQLite use them.
var queueConditions = map[string]string{
	parley.QueuePending:  `status = 'pending'`,
	parley.QueueRejected: `status = 'rejected'`,
	parley.QueueApproved: `status = 'approved'`,
	parley.QueueReported: `report_count > reports_reviewed AND status = 'approved'`,
	parley.QueueNew:      `newcomer = 1 AND status IN ('pending', 'approved')`,
	parley.QueueFeatured: `featured = 1`,
}

// QueueComments returns one page of a queue, newest first; see
// parley.QueueReader.
func (s *Store) QueueComments(ctx context.Context, q parley.QueueQuery) ([]*parley.Comment, error) {
	if err := parley.CheckQueueQuery(q); err != nil {
		return nil, err
	}
	query, args := queueQuery(q)
	rows, err := s.read.QueryContext(ctx, query, args...)
	return appendRows(nil, rows, err, scanQueued, "Comment", "Story")
}

// queueQuery builds the query of one page of q: the queue's index (per
// story when q names one) read backwards from the cursor, each further
// filter a condition on the rows it yields, but for an author's or an
// address's comments, which start from the index of that author or address.
func queueQuery(q parley.QueueQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + commentColumns + `, coalesce(ip_hash, '') FROM comments`)
	if index := queueIndex(q); index != "" {
		b.WriteString(` INDEXED BY ` + index)
	}
	b.WriteString(` WHERE site_id = ?`)
	args := []any{q.SiteID}
	cond := func(sql string, vs ...any) {
		b.WriteString(" AND " + sql)
		args = append(args, vs...)
	}
	if q.StoryID != "" {
		cond("story_id = ?", q.StoryID)
	}
	if c := queueConditions[q.Queue]; c != "" {
		cond(c)
	}
	if q.AuthorID != "" {
		cond("author_id = ?", q.AuthorID)
	}
	if q.IPHash != "" {
		cond("ip_hash = ?", q.IPHash)
	}
	if q.Text != "" {
		cond(`body LIKE ? ESCAPE '\'`, "%"+likeEscape(q.Text)+"%")
	}
	if q.BeforeID != "" {
		cond("id < ?", q.BeforeID)
	}
	b.WriteString(" ORDER BY id DESC LIMIT ?")
	return b.String(), append(args, q.Limit)
}

// queueIndexes are the indexes of the queues of a site; those of one
// story add "_story".
var queueIndexes = map[string]string{
	parley.QueuePending: "comments_queue", parley.QueueRejected: "comments_queue", parley.QueueApproved: "comments_queue",
	parley.QueueReported: "comments_reported", parley.QueueNew: "comments_new", parley.QueueFeatured: "comments_featured",
}

// queueIndex names the index a page of q reads, "" to leave it to SQLite
// (an author on one story: comments_author). Without statistics SQLite
// would read the reported queue from the status index, whose equality on
// status looks as good as the small partial index, and an author's
// comments from the status index too; naming the index keeps every queue
// on its own.
func queueIndex(q parley.QueueQuery) string {
	switch {
	case q.AuthorID != "" && q.StoryID == "":
		return "comments_author_time"
	case q.AuthorID != "":
		return ""
	case q.IPHash != "":
		return "comments_ip_hash"
	case q.StoryID != "":
		return queueIndexes[q.Queue] + "_story"
	}
	return queueIndexes[q.Queue]
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// scanQueued reads the commentColumns and the address hash.
func scanQueued(row scanner) (*parley.Comment, error) {
	var ip string
	c, err := scanCommentAnd(row, &ip)
	if err != nil {
		return nil, err
	}
	c.IPHash = ip
	return c, nil
}

// QueueCounts counts each queue up to limit, each count one bounded read
// of the queue's index, all in one read transaction.
func (s *Store) QueueCounts(ctx context.Context, siteID, storyID string, limit int) (map[string]int, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, outage(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	counts := make(map[string]int, len(queueConditions))
	for _, queue := range parley.Queues() {
		var n int
		if err := tx.QueryRowContext(ctx, queueCountQuery(queue, storyID != ""), siteID, storyID, limit).Scan(&n); err != nil {
			return nil, mapError(err, "Comment", "Site")
		}
		counts[queue] = n
	}
	return counts, nil
}

// queueCountQuery counts a queue of a site (?1), or of one of its stories
// (?2) when story, up to ?3. It names the index as a page does: without
// statistics SQLite would count the reported comments on the status
// index, reading every approved comment on the way.
func queueCountQuery(queue string, story bool) string {
	q := parley.QueueQuery{Queue: queue}
	where := `site_id = ?1 AND `
	if story {
		q.StoryID = "story"
		where += `story_id = ?2 AND `
	}
	return `SELECT count(*) FROM (SELECT 1 FROM comments INDEXED BY ` + queueIndex(q) + ` WHERE ` + where +
		queueConditions[queue] + ` LIMIT ?3)`
}

const (
	reportCountsQuery = `SELECT comment_id, reason, count(*) FROM reports
		WHERE comment_id IN (SELECT value FROM json_each(?1)) GROUP BY comment_id, reason`
	reportNotesQuery = `SELECT comment_id, reason, note FROM (
		SELECT comment_id, reason, note, row_number() OVER (PARTITION BY comment_id, reason ORDER BY created_at, id) AS n
		FROM reports WHERE comment_id IN (SELECT value FROM json_each(?1)) AND note <> '')
	WHERE n <= ?2 ORDER BY comment_id, reason, n`
)

// CommentReports returns the reports of each named comment by reason,
// with the first notes of each.
func (s *Store) CommentReports(ctx context.Context, commentIDs []string, notes int) (map[string][]parley.ReportCount, error) {
	if err := parley.CheckBatch(commentIDs); err != nil {
		return nil, err
	}
	ids, err := json.Marshal(commentIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: encode IDs: %w", err)
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, outage(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	out := map[string][]parley.ReportCount{}
	err = eachRow(ctx, tx, reportCountsQuery, []any{string(ids)}, func(row scanner) error {
		var id string
		var rc parley.ReportCount
		if err := row.Scan(&id, &rc.Reason, &rc.N); err != nil {
			return err
		}
		out[id] = append(out[id], rc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, reportNotesQuery, []any{string(ids), notes}, func(row scanner) error {
		var id, reason, note string
		if err := row.Scan(&id, &reason, &note); err != nil {
			return err
		}
		if i := slices.IndexFunc(out[id], func(rc parley.ReportCount) bool { return rc.Reason == reason }); i >= 0 {
			out[id][i].Notes = append(out[id][i].Notes, note)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, rcs := range out {
		parley.SortReportCounts(rcs)
	}
	return out, nil
}

// eachRow calls fn with every row of query.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(scanner) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return mapError(err, "Report", "Comment")
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return mapError(err, "Report", "Comment")
		}
	}
	return mapError(rows.Err(), "Report", "Comment")
}

// CommentsByID returns those of the named comments that exist.
func (s *Store) CommentsByID(ctx context.Context, ids []string) (map[string]*parley.Comment, error) {
	return byID(ctx, s, ids, `SELECT `+commentColumns+` FROM comments WHERE id IN (SELECT value FROM json_each(?))`,
		scanComment, func(c *parley.Comment) string { return c.ID })
}

// UsersByID returns those of the named users that exist.
func (s *Store) UsersByID(ctx context.Context, ids []string) (map[string]*parley.User, error) {
	return byID(ctx, s, ids, `SELECT `+userRead+` FROM users WHERE id IN (SELECT value FROM json_each(?))`,
		func(row scanner) (*parley.User, error) { return scanUser(row) }, func(u *parley.User) string { return u.ID })
}

// StoriesByID returns those of the named stories of a site that exist.
func (s *Store) StoriesByID(ctx context.Context, siteID string, ids []string) (map[string]*parley.Story, error) {
	return byID(ctx, s, ids, `SELECT `+storyColumns+` FROM stories WHERE id IN (SELECT value FROM json_each(?1)) AND site_id = ?2`,
		scanStory, func(st *parley.Story) string { return st.ID }, siteID)
}

// byID reads the rows of query for a JSON array of ids (and more args) into
// a map by key.
func byID[T any](ctx context.Context, s *Store, ids []string, query string, scan func(scanner) (T, error), key func(T) string, more ...any) (map[string]T, error) {
	if err := parley.CheckBatch(ids); err != nil {
		return nil, err
	}
	out := make(map[string]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("sqlite: encode IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, query, append([]any{string(list)}, more...)...)
	found, err := appendRows(nil, rows, err, scan, "Row", "Site")
	if err != nil {
		return nil, err
	}
	for _, v := range found {
		out[key(v)] = v
	}
	return out, nil
}

// ReviewComment records a moderator's decision on a comment as a unit of
// its own.
func (s *Store) ReviewComment(ctx context.Context, id string, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.ReviewComment(ctx, id, at) })
}

// ReviewComment takes a comment out of the reported and new queues in the
// unit; ENOTFOUND.
func (w *unit) ReviewComment(_ context.Context, id string, at time.Time) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE comments SET reports_reviewed = report_count, newcomer = 0, reviewed_at = ?
		WHERE id = ?`, millis(at), id)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	return notFoundUnless(res, "Comment")
}

// SetFeatured sets or clears a comment's Featured flag as a unit of its own.
func (s *Store) SetFeatured(ctx context.Context, id string, featured bool) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.SetFeatured(ctx, id, featured) })
}

// SetFeatured sets or clears a comment's Featured flag in the unit;
// ENOTFOUND.
func (w *unit) SetFeatured(_ context.Context, id string, featured bool) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE comments SET featured = ? WHERE id = ?`, featured, id)
	if err != nil {
		return mapError(err, "Comment", "Story")
	}
	return notFoundUnless(res, "Comment")
}
