package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// CreateOIDCFlow stores a flow and purges the expired ones; ECONFLICT.
func (t *unit) CreateOIDCFlow(ctx context.Context, f *parley.OIDCFlow) error {
	return inTx(ctx, t.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_flows WHERE expires_at < $1`, f.CreatedAt); err != nil {
			return translate(err, "sign-in")
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_flows (state_hash, site_id, nonce, verifier, origin, lang, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.StateHash, f.SiteID, f.Nonce, f.Verifier, f.Origin, f.Lang, f.CreatedAt, f.ExpiresAt)
		return translate(err, "sign-in")
	})
}

// TakeOIDCFlow deletes and returns a live flow; ENOTFOUND. The DELETE
// decides who gets it: of two callbacks with one state, one deletes the
// row and the other finds none.
func (t *unit) TakeOIDCFlow(ctx context.Context, hash string, now time.Time) (*parley.OIDCFlow, error) {
	var f parley.OIDCFlow
	err := t.db.QueryRow(ctx, `DELETE FROM oidc_flows WHERE state_hash = $1
		RETURNING state_hash, site_id, nonce, verifier, origin, lang, created_at, expires_at`, hash).
		Scan(&f.StateHash, &f.SiteID, &f.Nonce, &f.Verifier, &f.Origin, &f.Lang, &f.CreatedAt, &f.ExpiresAt)
	if err != nil {
		return nil, translate(err, "sign-in")
	}
	f.CreatedAt, f.ExpiresAt = f.CreatedAt.UTC(), f.ExpiresAt.UTC()
	if !f.ExpiresAt.After(now) {
		return nil, parley.Errorf(parley.ENOTFOUND, "The sign-in has expired.")
	}
	return &f, nil
}
