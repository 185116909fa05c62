package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

const noticeColumns = `reference, site_id, comment_id, story_id, user_id, kind, law, explanation, name, email, lang,
	status, decision, ground, basis, note, automated, decided_by, reviewed_by, created_at, decided_at`

// CreateNotice stores a notice; ECONFLICT, ENOTFOUND.
func (t *unit) CreateNotice(ctx context.Context, n *parley.Notice) error {
	_, err := t.db.Exec(ctx, `INSERT INTO notices (`+noticeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		n.Reference, n.SiteID, n.CommentID, n.StoryID, n.UserID, n.Kind, n.Law, n.Explanation, n.Name, n.Email, n.Lang,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, n.CreatedAt, nullTime(n.DecidedAt))
	return translate(err, "notice")
}

// Notice returns a site's notice; ENOTFOUND.
func (t *unit) Notice(ctx context.Context, siteID, ref string) (*parley.Notice, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+noticeColumns+` FROM notices WHERE reference = $1 AND site_id = $2`, ref, siteID)
	n, err := pgx.CollectExactlyOneRow(rows, scanNotice)
	if err != nil {
		return nil, translate(err, "notice")
	}
	return n, nil
}

// UpdateNotice replaces a notice's status and decision if its status is
// still from; ECONFLICT, ENOTFOUND.
func (t *unit) UpdateNotice(ctx context.Context, n *parley.Notice, from string) error {
	tag, err := t.db.Exec(ctx, `UPDATE notices SET status = $1, decision = $2, ground = $3, basis = $4, note = $5,
		automated = $6, decided_by = $7, reviewed_by = $8, decided_at = $9 WHERE reference = $10 AND site_id = $11 AND status = $12`,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, nullTime(n.DecidedAt),
		n.Reference, n.SiteID, from)
	return t.changedOrWhy(ctx, tag, err, "notices", n.Reference, n.SiteID, "notice")
}

// NoticePage returns one page of a site's notices, oldest first.
func (s *Store) NoticePage(ctx context.Context, q parley.NoticeQuery) ([]*parley.Notice, error) {
	if err := parley.CheckNoticeQuery(q); err != nil {
		return nil, err
	}
	query, args := noticePage(`SELECT `+noticeColumns+` FROM notices`, q)
	rows, _ := s.pool.Query(ctx, query, args...)
	ns, err := pgx.CollectRows(rows, scanNotice)
	if err != nil {
		return nil, translate(err, "notice")
	}
	return ns, nil
}

// ForgetNotifiers empties the contact details of notices decided before
// before.
func (s *Store) ForgetNotifiers(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE notices SET name = '', email = ''
		WHERE status = 'decided' AND (name <> '' OR email <> '') AND decided_at < $1`, before)
	if err != nil {
		return 0, translate(err, "notice")
	}
	return int(tag.RowsAffected()), nil
}

// changedOrWhy returns nil when a conditional update changed its row, and
// otherwise why not: ECONFLICT when the row is in table but no longer in
// the state asked for, ENOTFOUND when it is not there.
func (t *unit) changedOrWhy(ctx context.Context, tag pgconn.CommandTag, err error, table, ref, siteID, what string) error {
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var one int
	if err := t.db.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE reference = $1 AND site_id = $2`, ref, siteID).Scan(&one); err != nil {
		return translate(err, what)
	}
	return parley.Errorf(parley.ECONFLICT, "The %s was changed by someone else.", what)
}

// noticePage completes a page of notices or complaints from their table's
// select: the site, the status if any, the period, after the cursor, in
// the order of the queue and time indexes.
func noticePage(sel string, q parley.NoticeQuery) (string, []any) {
	args := []any{q.SiteID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := ` WHERE site_id = $1`
	if q.Status != "" {
		where += ` AND status = ` + arg(q.Status)
	}
	if !q.From.IsZero() {
		where += ` AND created_at >= ` + arg(q.From)
	}
	if !q.To.IsZero() {
		where += ` AND created_at < ` + arg(q.To)
	}
	if !q.AfterTime.IsZero() {
		where += ` AND (created_at, reference) > (` + arg(q.AfterTime) + `, ` + arg(q.AfterRef) + `)`
	}
	query := sel + where + ` ORDER BY created_at, reference LIMIT ` + arg(q.Limit)
	return query, args
}

func scanNotice(row pgx.CollectableRow) (*parley.Notice, error) {
	var n parley.Notice
	var decided *time.Time
	err := row.Scan(&n.Reference, &n.SiteID, &n.CommentID, &n.StoryID, &n.UserID, &n.Kind, &n.Law, &n.Explanation,
		&n.Name, &n.Email, &n.Lang, &n.Status, &n.Action, &n.Ground, &n.Basis, &n.Note, &n.Automated, &n.DecidedBy,
		&n.ReviewedBy, &n.CreatedAt, &decided)
	n.CreatedAt, n.DecidedAt = n.CreatedAt.UTC(), fromNull(decided)
	return &n, err
}
