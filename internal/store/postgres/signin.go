package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const linkColumns = `hash, site_id, email, address_key, return_url, lang, created_at, expires_at, used_at`

// CreateSignInLink stores a link; ECONFLICT if its hash is taken.
func (t *unit) CreateSignInLink(ctx context.Context, l *parley.SignInLink) error {
	var used *time.Time
	if !l.UsedAt.IsZero() {
		used = &l.UsedAt
	}
	_, err := t.db.Exec(ctx, `INSERT INTO signin_links (`+linkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		l.Hash, l.SiteID, l.Email, l.AddressKey, l.Return, l.Lang, l.CreatedAt, l.ExpiresAt, used)
	return translate(err, "sign-in link")
}

// SignInLink returns a link; ENOTFOUND.
func (t *unit) SignInLink(ctx context.Context, hash string) (*parley.SignInLink, error) {
	return t.link(ctx, `SELECT `+linkColumns+` FROM signin_links WHERE hash = $1`, hash)
}

// UseSignInLink marks a live, unused link used; ENOTFOUND otherwise. A
// second use waits for the first's row lock and then finds used_at set
// (READ COMMITTED evaluates the condition again on the new row version).
func (t *unit) UseSignInLink(ctx context.Context, hash string, now time.Time) (*parley.SignInLink, error) {
	return t.link(ctx, `UPDATE signin_links SET used_at = $2
		WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING `+linkColumns, hash, now)
}

func (t *unit) link(ctx context.Context, query string, args ...any) (*parley.SignInLink, error) {
	var l parley.SignInLink
	var used *time.Time
	err := t.db.QueryRow(ctx, query, args...).Scan(&l.Hash, &l.SiteID, &l.Email, &l.AddressKey, &l.Return, &l.Lang,
		&l.CreatedAt, &l.ExpiresAt, &used)
	if err != nil {
		return nil, translate(err, "sign-in link")
	}
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	if used != nil {
		l.UsedAt = used.UTC()
	}
	return &l, nil
}

// CountSignInLinks counts the links of an address made since then.
func (t *unit) CountSignInLinks(ctx context.Context, addressKey string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest *time.Time
	err := t.db.QueryRow(ctx, `SELECT count(*), min(created_at) FROM signin_links WHERE address_key = $1 AND created_at > $2`,
		addressKey, since).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, translate(err, "sign-in link")
	}
	if oldest == nil {
		return n, time.Time{}, nil
	}
	return n, oldest.UTC(), nil
}

// CreateSignInCode stores a code; ECONFLICT, ENOTFOUND for an unknown user.
func (t *unit) CreateSignInCode(ctx context.Context, c *parley.SignInCode) error {
	_, err := t.db.Exec(ctx, `INSERT INTO signin_codes (hash, site_id, user_id, method, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.Hash, c.SiteID, c.UserID, c.Method, c.CreatedAt, c.ExpiresAt)
	return translate(err, "sign-in code")
}

// UseSignInCode deletes a live code of the site and returns it; ENOTFOUND.
func (t *unit) UseSignInCode(ctx context.Context, siteID, hash string, now time.Time) (*parley.SignInCode, error) {
	var c parley.SignInCode
	err := t.db.QueryRow(ctx, `DELETE FROM signin_codes WHERE hash = $1 AND site_id = $2 AND expires_at > $3
		RETURNING hash, site_id, user_id, method, created_at, expires_at`, hash, siteID, now).
		Scan(&c.Hash, &c.SiteID, &c.UserID, &c.Method, &c.CreatedAt, &c.ExpiresAt)
	if err != nil {
		return nil, translate(err, "sign-in code")
	}
	c.CreatedAt, c.ExpiresAt = c.CreatedAt.UTC(), c.ExpiresAt.UTC()
	return &c, nil
}

// PurgeSignIns deletes expired links and codes in one statement.
func (t *unit) PurgeSignIns(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := t.db.QueryRow(ctx, `WITH a AS (DELETE FROM signin_links WHERE expires_at < $1 RETURNING 1),
		b AS (DELETE FROM signin_codes WHERE expires_at < $1 RETURNING 1)
		SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)`, now).Scan(&n)
	if err != nil {
		return 0, translate(err, "sign-in link")
	}
	return n, nil
}

// UsersByRole returns the site's users who hold role, oldest first.
func (t *unit) UsersByRole(ctx context.Context, siteID string, role parley.Role, limit int) ([]*parley.User, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+userRead+` FROM users WHERE site_id = $1 AND role = $2
		ORDER BY created_at, id LIMIT $3`, siteID, role.String(), limit)
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.User, error) { return scanUser(row) })
	if err != nil {
		return nil, translate(err, "user")
	}
	return users, nil
}
