package sqlite

import (
	"context"
	"time"

	"parley"
)

// CreateOIDCFlow stores a flow and purges the expired ones; ECONFLICT.
func (s *Store) CreateOIDCFlow(ctx context.Context, f *parley.OIDCFlow) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateOIDCFlow(ctx, f) })
}

// CreateOIDCFlow stores a flow in the unit and purges the expired ones.
func (w *unit) CreateOIDCFlow(_ context.Context, f *parley.OIDCFlow) error {
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM oidc_flows WHERE expires_at < ?`, millis(f.CreatedAt)); err != nil {
		return mapError(err, "Sign-in", "Site")
	}
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO oidc_flows (state_hash, site_id, nonce, verifier, origin, lang, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.StateHash, f.SiteID, f.Nonce, f.Verifier, f.Origin, f.Lang, millis(f.CreatedAt), millis(f.ExpiresAt))
	return mapError(err, "Sign-in", "Site")
}

// TakeOIDCFlow deletes and returns a live flow; ENOTFOUND. An expired
// flow is deleted too: the unit commits before its expiry is checked.
func (s *Store) TakeOIDCFlow(ctx context.Context, hash string, now time.Time) (*parley.OIDCFlow, error) {
	var f *parley.OIDCFlow
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		f, err = w.takeOIDCFlow(hash)
		return err
	})
	if err != nil {
		return nil, err
	}
	return liveFlow(f, now)
}

// TakeOIDCFlow deletes and returns a live flow in the unit; ENOTFOUND.
func (w *unit) TakeOIDCFlow(_ context.Context, hash string, now time.Time) (*parley.OIDCFlow, error) {
	f, err := w.takeOIDCFlow(hash)
	if err != nil {
		return nil, err
	}
	return liveFlow(f, now)
}

// takeOIDCFlow deletes and returns a flow, live or not. The DELETE
// decides who gets it: of two callbacks with one state, one deletes the
// row and the other finds none.
func (w *unit) takeOIDCFlow(hash string) (*parley.OIDCFlow, error) {
	var f parley.OIDCFlow
	var created, expires int64
	err := w.row(w.ctx, `DELETE FROM oidc_flows WHERE state_hash = ?
		RETURNING state_hash, site_id, nonce, verifier, origin, lang, created_at, expires_at`, hash).
		Scan(&f.StateHash, &f.SiteID, &f.Nonce, &f.Verifier, &f.Origin, &f.Lang, &created, &expires)
	if err != nil {
		return nil, mapError(err, "Sign-in", "Site")
	}
	f.CreatedAt, f.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &f, nil
}

// liveFlow returns f unless it had expired at now (ENOTFOUND).
func liveFlow(f *parley.OIDCFlow, now time.Time) (*parley.OIDCFlow, error) {
	if !f.ExpiresAt.After(now) {
		return nil, parley.Errorf(parley.ENOTFOUND, "The sign-in has expired.")
	}
	return f, nil
}
