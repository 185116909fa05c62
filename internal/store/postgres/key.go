package postgres

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Key returns the secret named name, storing 32 random bytes on first use.
// The insert and the read are separate statements on purpose: an insert
// that conflicts with another instance's waits for it to commit, and only a
// statement that starts after that sees the winner's row (one statement
// would read from a snapshot taken before it).
func (s *Store) Key(ctx context.Context, name string) ([]byte, error) {
	key, err := s.key(ctx, name)
	if !errors.Is(err, pgx.ErrNoRows) {
		return key, translate(err, "key")
	}
	fresh := make([]byte, 32)
	rand.Read(fresh) // never fails: see crypto/rand.Read
	if _, err := s.pool.Exec(ctx, `INSERT INTO secret_keys (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return nil, translate(err, "key")
	}
	key, err = s.key(ctx, name)
	return key, translate(err, "key")
}

func (s *Store) key(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM secret_keys WHERE name = $1`, name).Scan(&key); err != nil {
		return nil, err
	}
	return key, nil
}
