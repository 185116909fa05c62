package sqlite

import (
	"context"
	"crypto/rand"

	"parley"
)

// Key returns the secret named name, storing 32 random bytes on first use.
// INSERT … ON CONFLICT DO NOTHING followed by a read makes every instance,
// even another process on the same file, read the key stored first.
func (s *Store) Key(ctx context.Context, name string) ([]byte, error) {
	if key, err := s.key(ctx, name); parley.ErrorCode(err) != parley.ENOTFOUND {
		return key, err
	}
	fresh := make([]byte, 32)
	rand.Read(fresh) // never fails: see crypto/rand.Read
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO secret_keys (name, value, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, name, fresh, millis(parley.Now()))
		return mapError(err, "Key", "Key")
	})
	if err != nil {
		return nil, err
	}
	return s.key(ctx, name)
}

func (s *Store) key(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	if err := s.queryRow(ctx, `SELECT value FROM secret_keys WHERE name = ?`, name).Scan(&key); err != nil {
		return nil, mapError(err, "Key", "Key")
	}
	return key, nil
}
