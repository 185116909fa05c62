package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"parley"
)

// auditColumns are the columns of audit_log, in AuditEntry's order.
const auditColumns = `id, site_id, action, story_id, comment_id, user_id, actor_id, automated,
	reason, note, before, after, ref, created_at`

// auditAfterQuery reads the whole log after an ID (?1), with the missing
// IDs below it (?2, a JSON array), at most ?3: logEventsQuery's shape, for
// the same reason.
const auditAfterQuery = `SELECT ` + auditColumns + ` FROM (
		SELECT ` + auditColumns + ` FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?3)
	UNION
	SELECT ` + auditColumns + ` FROM audit_log WHERE id IN (SELECT value FROM json_each(?2)) AND id <= ?1
	ORDER BY id LIMIT ?3`

// AppendAudit appends an entry as a unit of its own.
func (s *Store) AppendAudit(ctx context.Context, e *parley.AuditEntry) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.AppendAudit(ctx, e) })
}

// AppendAudit appends an entry in the unit and sets its ID.
func (w *unit) AppendAudit(_ context.Context, e *parley.AuditEntry) error {
	if err := parley.CheckAuditEntry(e); err != nil {
		return err
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = parley.Now()
	}
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO audit_log (site_id, action, story_id, comment_id, user_id,
		actor_id, automated, reason, note, before, after, ref, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.SiteID, e.Action, e.StoryID, e.CommentID, e.UserID, e.ActorID, e.Automated,
		e.Reason, e.Note, e.Before, e.After, e.Ref, millis(e.CreatedAt))
	if err != nil {
		return mapError(err, "Audit entry", "Site")
	}
	id, err := res.LastInsertId()
	if err != nil {
		return outage(err)
	}
	e.ID = id
	return nil
}

// Audit returns one page of a site's audit log, newest first.
func (s *Store) Audit(ctx context.Context, q parley.AuditQuery) ([]*parley.AuditEntry, error) {
	if err := parley.CheckAuditQuery(q); err != nil {
		return nil, err
	}
	query, args := auditQuery(q)
	rows, err := s.read.QueryContext(ctx, query, args...)
	return appendRows(nil, rows, err, scanAudit, "Audit entry", "Site")
}

// auditQuery builds the query of one page of q. Each filter is an equality
// on a column that, after site_id, leads one of the audit indexes, which
// end with the ID: the page is a range of that index read backwards.
func auditQuery(q parley.AuditQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + auditColumns + ` FROM audit_log WHERE site_id = ?`)
	args := []any{q.SiteID}
	cond := func(sql string, vs ...any) {
		b.WriteString(" AND " + sql)
		args = append(args, vs...)
	}
	for _, f := range []struct{ col, v string }{
		{"comment_id", q.CommentID}, {"user_id", q.UserID}, {"actor_id", q.ActorID},
		{"story_id", q.StoryID}, {"action", q.Action},
	} {
		if f.v != "" {
			cond(f.col+" = ?", f.v)
		}
	}
	if q.Text != "" { // LIKE folds ASCII case; the text's own % and _ are escaped
		pat := containsPattern(q.Text)
		cond(`(reason LIKE ? ESCAPE '\' OR note LIKE ? ESCAPE '\')`, pat, pat)
	}
	if !q.From.IsZero() {
		cond("created_at >= ?", millis(q.From))
	}
	if !q.To.IsZero() {
		cond("created_at < ?", millis(q.To))
	}
	if q.BeforeID > 0 {
		cond("id < ?", q.BeforeID)
	}
	b.WriteString(" ORDER BY id DESC LIMIT ?")
	return b.String(), append(args, q.Limit)
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
	ids, err := json.Marshal(missing)
	if err != nil {
		return nil, fmt.Errorf("encode missing audit IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, auditAfterQuery, afterID, string(ids), limit)
	return appendRows(nil, rows, err, scanAudit, "Audit entry", "Site")
}

func scanAudit(row scanner) (*parley.AuditEntry, error) {
	var e parley.AuditEntry
	var created int64
	err := row.Scan(&e.ID, &e.SiteID, &e.Action, &e.StoryID, &e.CommentID, &e.UserID, &e.ActorID, &e.Automated,
		&e.Reason, &e.Note, &e.Before, &e.After, &e.Ref, &created)
	e.CreatedAt = fromMillis(created)
	return &e, err
}
