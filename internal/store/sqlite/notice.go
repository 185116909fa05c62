package sqlite

import (
	"context"
	"math"
	"time"

	"parley"
)

const noticeColumns = `reference, site_id, comment_id, story_id, user_id, kind, law, explanation, name, email, lang,
	status, decision, ground, basis, note, automated, decided_by, reviewed_by, created_at, decided_at`

// CreateNotice stores a notice; ECONFLICT, ENOTFOUND.
func (s *Store) CreateNotice(ctx context.Context, n *parley.Notice) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateNotice(ctx, n) })
}

// CreateNotice stores a notice in the unit; see Store.CreateNotice.
func (w *unit) CreateNotice(_ context.Context, n *parley.Notice) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO notices (`+noticeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Reference, n.SiteID, n.CommentID, n.StoryID, n.UserID, n.Kind, n.Law, n.Explanation, n.Name, n.Email, n.Lang,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, millis(n.CreatedAt), millis(n.DecidedAt))
	return mapError(err, "Notice", "Comment")
}

// Notice returns a site's notice; ENOTFOUND.
func (s *Store) Notice(ctx context.Context, siteID, ref string) (*parley.Notice, error) {
	return readNotice(ctx, s.queryRow, siteID, ref)
}

// Notice returns a site's notice as the unit sees it; ENOTFOUND.
func (w *unit) Notice(_ context.Context, siteID, ref string) (*parley.Notice, error) {
	return readNotice(w.ctx, w.row, siteID, ref)
}

func readNotice(ctx context.Context, row rowQuery, siteID, ref string) (*parley.Notice, error) {
	n, err := scanNotice(row(ctx, `SELECT `+noticeColumns+` FROM notices WHERE reference = ? AND site_id = ?`, ref, siteID))
	if err != nil {
		return nil, mapError(err, "Notice", "Site")
	}
	return n, nil
}

// UpdateNotice replaces a notice's status and decision if its status is
// still from; ECONFLICT, ENOTFOUND.
func (s *Store) UpdateNotice(ctx context.Context, n *parley.Notice, from string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UpdateNotice(ctx, n, from) })
}

// UpdateNotice replaces a notice's status and decision in the unit; see
// Store.UpdateNotice.
func (w *unit) UpdateNotice(_ context.Context, n *parley.Notice, from string) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE notices SET status = ?, decision = ?, ground = ?, basis = ?, note = ?,
		automated = ?, decided_by = ?, reviewed_by = ?, decided_at = ? WHERE reference = ? AND site_id = ? AND status = ?`,
		n.Status, n.Action, n.Ground, n.Basis, n.Note, n.Automated, n.DecidedBy, n.ReviewedBy, millis(n.DecidedAt),
		n.Reference, n.SiteID, from)
	if err != nil {
		return mapError(err, "Notice", "Site")
	}
	return w.changedOrWhy(res, `SELECT 1 FROM notices WHERE reference = ? AND site_id = ?`, n.Reference, n.SiteID, "Notice")
}

// NoticePage returns one page of a site's notices, oldest first.
func (s *Store) NoticePage(ctx context.Context, q parley.NoticeQuery) ([]*parley.Notice, error) {
	if err := parley.CheckNoticeQuery(q); err != nil {
		return nil, err
	}
	query, args := noticePage(`SELECT `+noticeColumns+` FROM notices`, q)
	rows, err := s.read.QueryContext(ctx, query, args...)
	return appendRows(nil, rows, err, scanNotice, "Notice", "Site")
}

// ForgetNotifiers empties the contact details of notices decided before
// before.
func (s *Store) ForgetNotifiers(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.writeUnit(ctx, func(w *unit) error {
		res, err := w.tx.ExecContext(w.ctx, `UPDATE notices SET name = '', email = ''
			WHERE status = 'decided' AND (name <> '' OR email <> '') AND decided_at < ?`, millis(before))
		if err != nil {
			return mapError(err, "Notice", "Site")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// noticePage completes a page of notices or complaints from their table's
// select: the site, the status if any, the period, after the cursor, in
// the order of the queue and time indexes.
func noticePage(sel string, q parley.NoticeQuery) (string, []any) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		from = millis(q.From)
	}
	if !q.To.IsZero() {
		to = millis(q.To)
	}
	after := int64(math.MinInt64)
	if !q.AfterTime.IsZero() {
		after = millis(q.AfterTime)
	}
	where := ` WHERE site_id = ?`
	args := []any{q.SiteID}
	if q.Status != "" {
		where += ` AND status = ?`
		args = append(args, q.Status)
	}
	where += ` AND created_at >= ? AND created_at < ? AND (created_at, reference) > (?, ?)`
	args = append(args, from, to, after, q.AfterRef, q.Limit)
	return sel + where + ` ORDER BY created_at, reference LIMIT ?`, args
}

func scanNotice(row scanner) (*parley.Notice, error) {
	var n parley.Notice
	var created, decided int64
	err := row.Scan(&n.Reference, &n.SiteID, &n.CommentID, &n.StoryID, &n.UserID, &n.Kind, &n.Law, &n.Explanation,
		&n.Name, &n.Email, &n.Lang, &n.Status, &n.Action, &n.Ground, &n.Basis, &n.Note, &n.Automated, &n.DecidedBy,
		&n.ReviewedBy, &created, &decided)
	if err != nil {
		return nil, err
	}
	n.CreatedAt, n.DecidedAt = fromMillis(created), fromMillis(decided)
	return &n, nil
}

// changedOrWhy returns nil when a conditional update changed its row, and
// otherwise why not: ECONFLICT when the row (found by exists) is there but
// no longer in the state asked for, ENOTFOUND when it is not.
func (w *unit) changedOrWhy(res interface{ RowsAffected() (int64, error) }, exists string, ref, siteID, subject string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return outage(err)
	}
	if n > 0 {
		return nil
	}
	var one int
	if err := w.row(w.ctx, exists, ref, siteID).Scan(&one); err != nil {
		return mapError(err, subject, "Site")
	}
	return parley.Errorf(parley.ECONFLICT, "%s was changed by someone else.", subject)
}
