package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// IdentityUser returns the user a subject of the site belongs to; ENOTFOUND.
func (t *unit) IdentityUser(ctx context.Context, siteID, subject string) (*parley.User, error) {
	return t.user(ctx, userByIdentity, siteID, subject)
}

// The session lookups run on every signed-in request: their SQL is built
// once, here, not per call.
var (
	userByIdentity = `SELECT ` + qualified("u", userRead) + ` FROM identities i JOIN users u ON u.id = i.user_id
		WHERE i.site_id = $1 AND i.subject = $2`
	sessionByHash = `SELECT ` + qualified("u", userRead) + `, s.hash, s.user_id, s.site_id, s.method,
		s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1`
)

// CreateIdentity ties a subject to a user; ECONFLICT if it has one.
func (t *unit) CreateIdentity(ctx context.Context, siteID, subject, userID string, at time.Time) error {
	_, err := t.db.Exec(ctx, `INSERT INTO identities (site_id, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		siteID, subject, userID, at)
	return translate(err, "identity")
}

// UseTokenID records a token ID; ECONFLICT if it is recorded and live. A
// record that has expired is taken over.
func (t *unit) UseTokenID(ctx context.Context, siteID, jti string, expires, now time.Time) error {
	tag, err := t.db.Exec(ctx, `INSERT INTO token_ids (site_id, jti, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (site_id, jti) DO UPDATE SET expires_at = excluded.expires_at
		WHERE token_ids.expires_at <= $4`, siteID, jti, expires, now)
	if err != nil {
		return translate(err, "token")
	}
	if tag.RowsAffected() == 0 {
		return parley.Errorf(parley.ECONFLICT, "The token was used before.")
	}
	return nil
}

// CreateSession stores a session; ECONFLICT, ENOTFOUND.
func (t *unit) CreateSession(ctx context.Context, se *parley.Session) error {
	_, err := t.db.Exec(ctx, `INSERT INTO sessions (hash, user_id, site_id, method, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, se.Hash, se.UserID, se.SiteID, se.Method, se.CreatedAt, se.ExpiresAt)
	return translate(err, "session")
}

// Session returns a session and its user; ENOTFOUND.
func (s *Store) Session(ctx context.Context, hash string) (*parley.Session, *parley.User, error) {
	var se parley.Session
	rows, _ := s.pool.Query(ctx, sessionByHash, hash)
	u, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*parley.User, error) {
		return scanUser(row, &se.Hash, &se.UserID, &se.SiteID, &se.Method, &se.CreatedAt, &se.ExpiresAt)
	})
	if err != nil {
		return nil, nil, translate(err, "session")
	}
	se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return &se, u, nil
}

// ExtendSession moves a session's end; ENOTFOUND.
func (s *Store) ExtendSession(ctx context.Context, hash string, expires time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET expires_at = $2 WHERE hash = $1`, hash, expires)
	if err != nil {
		return translate(err, "session")
	}
	if tag.RowsAffected() == 0 {
		return notFound("session")
	}
	return nil
}

// DeleteSession removes a session, if it is there.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return translate(err, "session")
}

// DeleteUserSessions removes every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, translate(err, "session")
	}
	return int(tag.RowsAffected()), nil
}

// qualified prefixes each of a comma-separated column list with a table
// alias, for joins.
func qualified(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// PurgeExpired deletes expired sessions and token IDs in one statement.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `WITH a AS (DELETE FROM sessions WHERE expires_at < $1 RETURNING 1),
		b AS (DELETE FROM token_ids WHERE expires_at < $1 RETURNING 1)
		SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)`, now).Scan(&n)
	if err != nil {
		return 0, translate(err, "session")
	}
	return n, nil
}
