package sqlite

import (
	"context"
	"strings"
	"time"

	"parley"
)

// IdentityUser returns the user a subject of the site belongs to; ENOTFOUND.
func (s *Store) IdentityUser(ctx context.Context, siteID, subject string) (*parley.User, error) {
	return readUserByPair(ctx, s.queryRow, userByIdentity, siteID, subject)
}

// IdentityUser returns the subject's user as the unit sees it; ENOTFOUND.
func (w *unit) IdentityUser(_ context.Context, siteID, subject string) (*parley.User, error) {
	return readUserByPair(w.ctx, w.row, userByIdentity, siteID, subject)
}

// The session lookups run on every signed-in request: their SQL is built
// once, here, not per call.
var (
	userByIdentity = `SELECT ` + qualified("u", userRead) + ` FROM identities i JOIN users u ON u.id = i.user_id
	WHERE i.site_id = ? AND i.subject = ?`
	sessionByHash = `SELECT ` + qualified("u", userRead) + `, s.hash, s.user_id, s.site_id, s.method,
		s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`
)

func readUserByPair(ctx context.Context, row rowQuery, query, a, b string) (*parley.User, error) {
	u, err := scanUser(row(ctx, query, a, b))
	if err != nil {
		return nil, mapError(err, "User", "Site")
	}
	return u, nil
}

// CreateIdentity ties a subject to a user; ECONFLICT if it has one.
func (s *Store) CreateIdentity(ctx context.Context, siteID, subject, userID string, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateIdentity(ctx, siteID, subject, userID, at) })
}

// CreateIdentity ties a subject to a user in the unit; ECONFLICT.
func (w *unit) CreateIdentity(_ context.Context, siteID, subject, userID string, at time.Time) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO identities (site_id, subject, user_id, created_at) VALUES (?, ?, ?, ?)`,
		siteID, subject, userID, millis(at))
	return mapError(err, "Identity", "User")
}

// UseTokenID records a token ID; ECONFLICT if it is recorded and live.
func (s *Store) UseTokenID(ctx context.Context, siteID, jti string, expires, now time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UseTokenID(ctx, siteID, jti, expires, now) })
}

// UseTokenID records a token ID in the unit. A record that has expired is
// taken over, so the table holds at most the tokens still alive per jti.
func (w *unit) UseTokenID(_ context.Context, siteID, jti string, expires, now time.Time) error {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO token_ids (site_id, jti, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (site_id, jti) DO UPDATE SET expires_at = excluded.expires_at
		WHERE token_ids.expires_at <= ?`, siteID, jti, millis(expires), millis(now))
	if err != nil {
		return mapError(err, "Token", "Site")
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return parley.Errorf(parley.ECONFLICT, "The token was used before.")
	}
	return nil
}

// CreateSession stores a session; ECONFLICT, ENOTFOUND.
func (s *Store) CreateSession(ctx context.Context, se *parley.Session) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateSession(ctx, se) })
}

// CreateSession stores a session in the unit.
func (w *unit) CreateSession(_ context.Context, se *parley.Session) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO sessions (hash, user_id, site_id, method, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, se.Hash, se.UserID, se.SiteID, se.Method, millis(se.CreatedAt), millis(se.ExpiresAt))
	return mapError(err, "Session", "User")
}

// Session returns a session and its user; ENOTFOUND.
func (s *Store) Session(ctx context.Context, hash string) (*parley.Session, *parley.User, error) {
	var se parley.Session
	var created, expires int64
	u, err := scanUser(s.queryRow(ctx, sessionByHash, hash),
		&se.Hash, &se.UserID, &se.SiteID, &se.Method, &created, &expires)
	if err != nil {
		return nil, nil, mapError(err, "Session", "Session")
	}
	se.CreatedAt, se.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &se, u, nil
}

// ExtendSession moves a session's end; ENOTFOUND.
func (s *Store) ExtendSession(ctx context.Context, hash string, expires time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error {
		res, err := w.tx.ExecContext(w.ctx, `UPDATE sessions SET expires_at = ? WHERE hash = ?`, millis(expires), hash)
		if err != nil {
			return mapError(err, "Session", "Session")
		}
		return notFoundUnless(res, "Session")
	})
}

// DeleteSession removes a session, if it is there.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.writeUnit(ctx, func(w *unit) error {
		_, err := w.tx.ExecContext(w.ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return mapError(err, "Session", "Session")
	})
}

// DeleteUserSessions removes every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	var n int64
	err := s.writeUnit(ctx, func(w *unit) error {
		res, err := w.tx.ExecContext(w.ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		if err != nil {
			return mapError(err, "Session", "User")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
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

// PurgeExpired deletes expired sessions and token IDs.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.writeUnit(ctx, func(w *unit) error {
		for _, q := range []string{`DELETE FROM sessions WHERE expires_at < ?`, `DELETE FROM token_ids WHERE expires_at < ?`} {
			res, err := w.tx.ExecContext(w.ctx, q, millis(now))
			if err != nil {
				return mapError(err, "Session", "Session")
			}
			m, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += m
		}
		return nil
	})
	return int(n), err
}
