package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"parley"
)

// auditColumns are the columns of audit_log, in AuditEntry's order.
const auditColumns = `id, site_id, action, story_id, comment_id, user_id, actor_id, automated,
	reason, note, before, after, ref, created_at`

// auditAfterSQL reads the whole log after an ID ($1), with the missing IDs
// below it ($2), at most $3: logEventsSQL's shape, for the same reason.
const auditAfterSQL = `(SELECT ` + auditColumns + ` FROM audit_log WHERE id > $1 ORDER BY id LIMIT $3)
	UNION
	(SELECT ` + auditColumns + ` FROM audit_log WHERE id = ANY($2::bigint[]) AND id <= $1)
	ORDER BY id LIMIT $3`

// AppendAudit appends an entry and sets its ID.
func (t *unit) AppendAudit(ctx context.Context, e *parley.AuditEntry) error {
	if err := parley.CheckAuditEntry(e); err != nil {
		return err
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = parley.Now()
	}
	err := t.db.QueryRow(ctx, `INSERT INTO audit_log (site_id, action, story_id, comment_id, user_id,
		actor_id, automated, reason, note, before, after, ref, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		e.SiteID, e.Action, e.StoryID, e.CommentID, e.UserID, e.ActorID, e.Automated,
		e.Reason, e.Note, e.Before, e.After, e.Ref, e.CreatedAt).Scan(&e.ID)
	return translate(err, "audit entry")
}

// Audit returns one page of a site's audit log, newest first.
func (s *Store) Audit(ctx context.Context, q parley.AuditQuery) ([]*parley.AuditEntry, error) {
	if err := parley.CheckAuditQuery(q); err != nil {
		return nil, err
	}
	query, args := auditSQL(q)
	return s.collectAudit(ctx, query, args...)
}

// auditSQL builds the query of one page of q. Each filter is an equality
// on a column that, after site_id, leads one of the audit indexes, which
// end with the ID: the page is a range of that index read backwards.
func auditSQL(q parley.AuditQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + auditColumns + ` FROM audit_log WHERE site_id = $1`)
	args := []any{q.SiteID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	for _, f := range []struct{ col, v string }{
		{"comment_id", q.CommentID}, {"user_id", q.UserID}, {"actor_id", q.ActorID},
		{"story_id", q.StoryID}, {"action", q.Action},
	} {
		if f.v != "" {
			b.WriteString(" AND " + f.col + " = " + arg(f.v))
		}
	}
	if q.Text != "" { // ILIKE folds case; the text's own % and _ are escaped
		p := arg(containsPattern(q.Text))
		b.WriteString(` AND (reason ILIKE ` + p + ` ESCAPE '\' OR note ILIKE ` + p + ` ESCAPE '\')`)
	}
	if !q.From.IsZero() {
		b.WriteString(" AND created_at >= " + arg(q.From))
	}
	if !q.To.IsZero() {
		b.WriteString(" AND created_at < " + arg(q.To))
	}
	if q.BeforeID > 0 {
		b.WriteString(" AND id < " + arg(q.BeforeID))
	}
	b.WriteString(" ORDER BY id DESC LIMIT " + arg(q.Limit))
	return b.String(), args
}

// containsPattern returns the LIKE pattern, with \ as its escape, that
// matches any text containing s as it is.
func containsPattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// AuditAfter returns the entries of every site after afterID, and the
// missing ones, by ID.
func (s *Store) AuditAfter(ctx context.Context, afterID int64, missing []int64, limit int) ([]*parley.AuditEntry, error) {
	if err := parley.CheckLogQuery(missing, limit); err != nil {
		return nil, err
	}
	if missing == nil {
		missing = []int64{} // an empty array, not NULL
	}
	return s.collectAudit(ctx, auditAfterSQL, afterID, missing, limit)
}

func (s *Store) collectAudit(ctx context.Context, query string, args ...any) ([]*parley.AuditEntry, error) {
	rows, _ := s.pool.Query(ctx, query, args...)
	entries, err := pgx.CollectRows(rows, scanAudit)
	if err != nil {
		return nil, translate(err, "audit entry")
	}
	return entries, nil
}

func scanAudit(row pgx.CollectableRow) (*parley.AuditEntry, error) {
	var e parley.AuditEntry
	err := row.Scan(&e.ID, &e.SiteID, &e.Action, &e.StoryID, &e.CommentID, &e.UserID, &e.ActorID, &e.Automated,
		&e.Reason, &e.Note, &e.Before, &e.After, &e.Ref, &e.CreatedAt)
	e.CreatedAt = e.CreatedAt.UTC()
	return &e, err
}
