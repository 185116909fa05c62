package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const passkeyColumns = `id, user_id, site_id, credential_id, public_key, sign_count, transports, aaguid, flags, name, created_at, last_used_at`

// CreatePasskey stores a passkey; ECONFLICT, ENOTFOUND.
func (t *unit) CreatePasskey(ctx context.Context, p *parley.Passkey) error {
	var used *time.Time
	if !p.LastUsedAt.IsZero() {
		used = &p.LastUsedAt
	}
	transports := p.Transports
	if transports == nil {
		transports = []string{}
	}
	aaguid := p.AAGUID
	if aaguid == nil {
		aaguid = []byte{}
	}
	_, err := t.db.Exec(ctx, `INSERT INTO passkeys (`+passkeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		p.ID, p.UserID, p.SiteID, p.CredentialID, p.PublicKey, int64(p.SignCount), transports, aaguid,
		int16(p.Flags), p.Name, p.CreatedAt, used)
	return translate(err, "passkey")
}

// Passkeys returns a user's passkeys, oldest first.
func (t *unit) Passkeys(ctx context.Context, userID string) ([]*parley.Passkey, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, userID)
	keys, err := pgx.CollectRows(rows, scanPasskey)
	if err != nil {
		return nil, translate(err, "passkey")
	}
	return keys, nil
}

// PasskeyByCredential returns the site's passkey of a credential ID;
// ENOTFOUND.
func (t *unit) PasskeyByCredential(ctx context.Context, siteID string, credentialID []byte) (*parley.Passkey, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE site_id = $1 AND credential_id = $2`, siteID, credentialID)
	p, err := pgx.CollectExactlyOneRow(rows, scanPasskey)
	if err != nil {
		return nil, translate(err, "passkey")
	}
	return p, nil
}

// UsePasskey records a sign-in with a passkey; ENOTFOUND.
func (t *unit) UsePasskey(ctx context.Context, id string, signCount uint32, flags uint8, at time.Time) error {
	tag, err := t.db.Exec(ctx, `UPDATE passkeys SET sign_count = $2, flags = $3, last_used_at = $4 WHERE id = $1`,
		id, int64(signCount), int16(flags), at)
	if err != nil {
		return translate(err, "passkey")
	}
	if tag.RowsAffected() == 0 {
		return notFound("passkey")
	}
	return nil
}

// DeletePasskey removes a passkey of the user; ENOTFOUND.
func (t *unit) DeletePasskey(ctx context.Context, userID, id string) error {
	tag, err := t.db.Exec(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return translate(err, "passkey")
	}
	if tag.RowsAffected() == 0 {
		return notFound("passkey")
	}
	return nil
}

// DeleteUserPasskeys removes every passkey of a user.
func (t *unit) DeleteUserPasskeys(ctx context.Context, userID string) (int, error) {
	tag, err := t.db.Exec(ctx, `DELETE FROM passkeys WHERE user_id = $1`, userID)
	if err != nil {
		return 0, translate(err, "passkey")
	}
	return int(tag.RowsAffected()), nil
}

// CreateCeremony stores a ceremony and drops the expired ones, in one
// statement.
func (t *unit) CreateCeremony(ctx context.Context, c *parley.Ceremony, now time.Time) error {
	_, err := t.db.Exec(ctx, `WITH gone AS (DELETE FROM passkey_ceremonies WHERE expires_at < $7)
		INSERT INTO passkey_ceremonies (hash, site_id, user_id, kind, data, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.Hash, c.SiteID, c.UserID, c.Kind, c.Data, c.ExpiresAt, now)
	return translate(err, "ceremony")
}

// TakeCeremony removes a ceremony and returns it; ENOTFOUND. DELETE …
// RETURNING takes it in one statement: of two finishes of one ceremony,
// one gets it and the other finds nothing.
func (t *unit) TakeCeremony(ctx context.Context, hash string) (*parley.Ceremony, error) {
	var c parley.Ceremony
	err := t.db.QueryRow(ctx, `DELETE FROM passkey_ceremonies WHERE hash = $1
		RETURNING hash, site_id, user_id, kind, data, expires_at`, hash).
		Scan(&c.Hash, &c.SiteID, &c.UserID, &c.Kind, &c.Data, &c.ExpiresAt)
	if err != nil {
		return nil, translate(err, "ceremony")
	}
	c.ExpiresAt = c.ExpiresAt.UTC()
	return &c, nil
}

func scanPasskey(row pgx.CollectableRow) (*parley.Passkey, error) {
	var p parley.Passkey
	var signCount int64
	var flags int16
	var used *time.Time
	err := row.Scan(&p.ID, &p.UserID, &p.SiteID, &p.CredentialID, &p.PublicKey, &signCount, &p.Transports,
		&p.AAGUID, &flags, &p.Name, &p.CreatedAt, &used)
	if err != nil {
		return nil, err
	}
	if len(p.Transports) == 0 {
		p.Transports = nil
	}
	if len(p.AAGUID) == 0 {
		p.AAGUID = nil
	}
	if used != nil {
		p.LastUsedAt = used.UTC()
	}
	p.SignCount, p.Flags = uint32(signCount), uint8(flags)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}
