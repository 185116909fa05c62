package sqlite

import (
	"context"
	"database/sql"
	"time"

	"parley"
)

const linkColumns = `hash, site_id, email, address_key, return_url, lang, created_at, expires_at, used_at`

// CreateSignInLink stores a link; ECONFLICT if its hash is taken.
func (s *Store) CreateSignInLink(ctx context.Context, l *parley.SignInLink) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateSignInLink(ctx, l) })
}

// CreateSignInLink stores a link in the unit.
func (w *unit) CreateSignInLink(_ context.Context, l *parley.SignInLink) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO signin_links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Hash, l.SiteID, l.Email, l.AddressKey, l.Return, l.Lang, millis(l.CreatedAt), millis(l.ExpiresAt), millis(l.UsedAt))
	return mapError(err, "Link", "Site")
}

// SignInLink returns a link; ENOTFOUND.
func (s *Store) SignInLink(ctx context.Context, hash string) (*parley.SignInLink, error) {
	return readLink(ctx, s.queryRow, `SELECT `+linkColumns+` FROM signin_links WHERE hash = ?`, hash)
}

// SignInLink returns a link as the unit sees it; ENOTFOUND.
func (w *unit) SignInLink(_ context.Context, hash string) (*parley.SignInLink, error) {
	return readLink(w.ctx, w.row, `SELECT `+linkColumns+` FROM signin_links WHERE hash = ?`, hash)
}

// UseSignInLink marks a live, unused link used; ENOTFOUND otherwise.
func (s *Store) UseSignInLink(ctx context.Context, hash string, now time.Time) (*parley.SignInLink, error) {
	var l *parley.SignInLink
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		l, err = w.UseSignInLink(ctx, hash, now)
		return err
	})
	return l, err
}

// UseSignInLink marks the link used in the unit. The condition and the
// mark are one statement on the one writer, so two uses cannot both pass.
func (w *unit) UseSignInLink(_ context.Context, hash string, now time.Time) (*parley.SignInLink, error) {
	return readLink(w.ctx, w.row, `UPDATE signin_links SET used_at = ?
		WHERE hash = ? AND used_at = 0 AND expires_at > ? RETURNING `+linkColumns, millis(now), hash, millis(now))
}

func readLink(ctx context.Context, row rowQuery, query string, args ...any) (*parley.SignInLink, error) {
	var l parley.SignInLink
	var created, expires, used int64
	err := row(ctx, query, args...).Scan(&l.Hash, &l.SiteID, &l.Email, &l.AddressKey, &l.Return, &l.Lang, &created, &expires, &used)
	if err != nil {
		return nil, mapError(err, "Link", "Link")
	}
	l.CreatedAt, l.ExpiresAt, l.UsedAt = fromMillis(created), fromMillis(expires), fromMillis(used)
	return &l, nil
}

// CountSignInLinks counts the links of an address made since then.
func (s *Store) CountSignInLinks(ctx context.Context, addressKey string, since time.Time) (int, time.Time, error) {
	return countLinks(ctx, s.queryRow, addressKey, since)
}

// CountSignInLinks counts the links of an address as the unit sees them.
func (w *unit) CountSignInLinks(_ context.Context, addressKey string, since time.Time) (int, time.Time, error) {
	return countLinks(w.ctx, w.row, addressKey, since)
}

func countLinks(ctx context.Context, row rowQuery, addressKey string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := row(ctx, `SELECT count(*), min(created_at) FROM signin_links WHERE address_key = ? AND created_at > ?`,
		addressKey, millis(since)).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, mapError(err, "Link", "Link")
	}
	return n, fromMillis(oldest.Int64), nil
}

// CreateSignInCode stores a code; ECONFLICT, ENOTFOUND for an unknown user.
func (s *Store) CreateSignInCode(ctx context.Context, c *parley.SignInCode) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateSignInCode(ctx, c) })
}

// CreateSignInCode stores a code in the unit.
func (w *unit) CreateSignInCode(_ context.Context, c *parley.SignInCode) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO signin_codes (hash, site_id, user_id, method, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Hash, c.SiteID, c.UserID, c.Method, millis(c.CreatedAt), millis(c.ExpiresAt))
	return mapError(err, "Code", "User")
}

// UseSignInCode deletes a live code of the site and returns it; ENOTFOUND.
func (s *Store) UseSignInCode(ctx context.Context, siteID, hash string, now time.Time) (*parley.SignInCode, error) {
	var c *parley.SignInCode
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		c, err = w.UseSignInCode(ctx, siteID, hash, now)
		return err
	})
	return c, err
}

// UseSignInCode deletes the code in the unit; an expired one is left to
// the purge and not found.
func (w *unit) UseSignInCode(_ context.Context, siteID, hash string, now time.Time) (*parley.SignInCode, error) {
	var c parley.SignInCode
	var created, expires int64
	err := w.row(w.ctx, `DELETE FROM signin_codes WHERE hash = ? AND site_id = ? AND expires_at > ?
		RETURNING hash, site_id, user_id, method, created_at, expires_at`, hash, siteID, millis(now)).
		Scan(&c.Hash, &c.SiteID, &c.UserID, &c.Method, &created, &expires)
	if err != nil {
		return nil, mapError(err, "Code", "Code")
	}
	c.CreatedAt, c.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &c, nil
}

// PurgeSignIns deletes expired links and codes.
func (s *Store) PurgeSignIns(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		n, err = w.PurgeSignIns(ctx, now)
		return err
	})
	return n, err
}

// PurgeSignIns deletes expired links and codes in the unit.
func (w *unit) PurgeSignIns(_ context.Context, now time.Time) (int, error) {
	var n int64
	for _, q := range []string{`DELETE FROM signin_links WHERE expires_at < ?`, `DELETE FROM signin_codes WHERE expires_at < ?`} {
		res, err := w.tx.ExecContext(w.ctx, q, millis(now))
		if err != nil {
			return 0, mapError(err, "Link", "Link")
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, outage(err)
		}
		n += m
	}
	return int(n), nil
}

// UsersByRole returns the site's users who hold role, oldest first.
func (s *Store) UsersByRole(ctx context.Context, siteID string, role parley.Role, limit int) ([]*parley.User, error) {
	rows, err := s.read.QueryContext(ctx, usersByRole, siteID, role.String(), limit)
	return appendRows(nil, rows, err, scanUserRow, "User", "Site")
}

// UsersByRole returns the users who hold role as the unit sees them.
func (w *unit) UsersByRole(_ context.Context, siteID string, role parley.Role, limit int) ([]*parley.User, error) {
	rows, err := w.tx.tx.QueryContext(w.ctx, usersByRole, siteID, role.String(), limit)
	return appendRows(nil, rows, err, scanUserRow, "User", "Site")
}

const usersByRole = `SELECT ` + userRead + ` FROM users WHERE site_id = ? AND role = ? ORDER BY created_at, id LIMIT ?`

func scanUserRow(row scanner) (*parley.User, error) { return scanUser(row) }
