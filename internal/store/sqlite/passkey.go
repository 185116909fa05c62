package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parley"
)

const passkeyColumns = `id, user_id, site_id, credential_id, public_key, sign_count, transports, aaguid, flags, name, created_at, last_used_at`

// CreatePasskey stores a passkey; ECONFLICT, ENOTFOUND.
func (s *Store) CreatePasskey(ctx context.Context, p *parley.Passkey) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreatePasskey(ctx, p) })
}

// CreatePasskey stores a passkey in the unit.
func (w *unit) CreatePasskey(_ context.Context, p *parley.Passkey) error {
	transports, err := json.Marshal(nonNil(p.Transports))
	if err != nil {
		return fmt.Errorf("sqlite: encode transports: %w", err)
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO passkeys (`+passkeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.UserID, p.SiteID, p.CredentialID, p.PublicKey, int64(p.SignCount), string(transports),
		nonNilBytes(p.AAGUID), int64(p.Flags), p.Name, millis(p.CreatedAt), millis(p.LastUsedAt))
	return mapError(err, "Passkey", "User")
}

// Passkeys returns a user's passkeys, oldest first.
func (s *Store) Passkeys(ctx context.Context, userID string) ([]*parley.Passkey, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
	return appendRows(nil, rows, err, scanPasskey, "Passkey", "User")
}

// Passkeys returns a user's passkeys as the unit sees them.
func (w *unit) Passkeys(_ context.Context, userID string) ([]*parley.Passkey, error) {
	rows, err := w.tx.tx.QueryContext(w.ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
	return appendRows(nil, rows, err, scanPasskey, "Passkey", "User")
}

// PasskeyByCredential returns the site's passkey of a credential ID;
// ENOTFOUND.
func (s *Store) PasskeyByCredential(ctx context.Context, siteID string, credentialID []byte) (*parley.Passkey, error) {
	return readPasskey(ctx, s.queryRow, siteID, credentialID)
}

// PasskeyByCredential returns the passkey as the unit sees it; ENOTFOUND.
func (w *unit) PasskeyByCredential(_ context.Context, siteID string, credentialID []byte) (*parley.Passkey, error) {
	return readPasskey(w.ctx, w.row, siteID, credentialID)
}

func readPasskey(ctx context.Context, row rowQuery, siteID string, credentialID []byte) (*parley.Passkey, error) {
	p, err := scanPasskey(row(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE site_id = ? AND credential_id = ?`, siteID, credentialID))
	if err != nil {
		return nil, mapError(err, "Passkey", "Site")
	}
	return p, nil
}

// UsePasskey records a sign-in with a passkey; ENOTFOUND.
func (s *Store) UsePasskey(ctx context.Context, id string, signCount uint32, flags uint8, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UsePasskey(ctx, id, signCount, flags, at) })
}

// UsePasskey records a sign-in in the unit; ENOTFOUND.
func (w *unit) UsePasskey(_ context.Context, id string, signCount uint32, flags uint8, at time.Time) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE passkeys SET sign_count = ?, flags = ?, last_used_at = ? WHERE id = ?`,
		int64(signCount), int64(flags), millis(at), id)
	if err != nil {
		return mapError(err, "Passkey", "Passkey")
	}
	return notFoundUnless(res, "Passkey")
}

// DeletePasskey removes a passkey of the user; ENOTFOUND.
func (s *Store) DeletePasskey(ctx context.Context, userID, id string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.DeletePasskey(ctx, userID, id) })
}

// DeletePasskey removes a passkey of the user in the unit; ENOTFOUND.
func (w *unit) DeletePasskey(_ context.Context, userID, id string) error {
	res, err := w.tx.ExecContext(w.ctx, `DELETE FROM passkeys WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return mapError(err, "Passkey", "Passkey")
	}
	return notFoundUnless(res, "Passkey")
}

// DeleteUserPasskeys removes every passkey of a user.
func (s *Store) DeleteUserPasskeys(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		n, err = w.DeleteUserPasskeys(ctx, userID)
		return err
	})
	return n, err
}

// DeleteUserPasskeys removes every passkey of a user in the unit.
func (w *unit) DeleteUserPasskeys(_ context.Context, userID string) (int, error) {
	res, err := w.tx.ExecContext(w.ctx, `DELETE FROM passkeys WHERE user_id = ?`, userID)
	if err != nil {
		return 0, mapError(err, "Passkey", "User")
	}
	n, err := res.RowsAffected()
	return int(n), outage(err)
}

// CreateCeremony stores a ceremony and drops the expired ones.
func (s *Store) CreateCeremony(ctx context.Context, c *parley.Ceremony, now time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateCeremony(ctx, c, now) })
}

// CreateCeremony stores a ceremony in the unit; ECONFLICT.
func (w *unit) CreateCeremony(_ context.Context, c *parley.Ceremony, now time.Time) error {
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM passkey_ceremonies WHERE expires_at < ?`, millis(now)); err != nil {
		return mapError(err, "Ceremony", "Ceremony")
	}
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO passkey_ceremonies (hash, site_id, user_id, kind, data, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Hash, c.SiteID, c.UserID, c.Kind, c.Data, millis(c.ExpiresAt))
	return mapError(err, "Ceremony", "Site")
}

// TakeCeremony removes a ceremony and returns it; ENOTFOUND.
func (s *Store) TakeCeremony(ctx context.Context, hash string) (*parley.Ceremony, error) {
	var c *parley.Ceremony
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		c, err = w.TakeCeremony(ctx, hash)
		return err
	})
	return c, err
}

// TakeCeremony removes a ceremony in the unit and returns it; ENOTFOUND.
// DELETE … RETURNING makes taking it one statement: two finishes of one
// ceremony cannot both read it.
func (w *unit) TakeCeremony(_ context.Context, hash string) (*parley.Ceremony, error) {
	var c parley.Ceremony
	var expires int64
	err := w.tx.QueryRowContext(w.ctx, `DELETE FROM passkey_ceremonies WHERE hash = ?
		RETURNING hash, site_id, user_id, kind, data, expires_at`, hash).
		Scan(&c.Hash, &c.SiteID, &c.UserID, &c.Kind, &c.Data, &expires)
	if err != nil {
		return nil, mapError(err, "Ceremony", "Ceremony")
	}
	c.ExpiresAt = fromMillis(expires)
	return &c, nil
}

func scanPasskey(row scanner) (*parley.Passkey, error) {
	var p parley.Passkey
	var signCount, flags, created, used int64
	var transports string
	err := row.Scan(&p.ID, &p.UserID, &p.SiteID, &p.CredentialID, &p.PublicKey, &signCount, &transports,
		&p.AAGUID, &flags, &p.Name, &created, &used)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(transports), &p.Transports); err != nil {
		return nil, fmt.Errorf("decode transports of passkey %s: %w", p.ID, err)
	}
	if len(p.Transports) == 0 {
		p.Transports = nil
	}
	if len(p.AAGUID) == 0 {
		p.AAGUID = nil
	}
	p.SignCount, p.Flags = uint32(signCount), uint8(flags)
	p.CreatedAt, p.LastUsedAt = fromMillis(created), fromMillis(used)
	return &p, nil
}

// nonNilBytes stores missing bytes as an empty blob rather than NULL.
func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
