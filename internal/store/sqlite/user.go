package sqlite

import (
	"context"

	"parley"
)

const userColumns = `id, site_id, name, token_hash, created_at`

// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
func (s *Store) CreateUser(ctx context.Context, u *parley.User) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?)`,
			u.ID, u.SiteID, u.Name, u.TokenHash, millis(u.CreatedAt))
		return mapError(err, "User", "Site")
	})
}

// User returns a user by ID; ENOTFOUND.
func (s *Store) User(ctx context.Context, id string) (*parley.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
}

// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND. The
// empty hash belongs to users without a commenter token and finds nobody.
func (s *Store) UserByTokenHash(ctx context.Context, hash string) (*parley.User, error) {
	return s.user(ctx, `SELECT `+userColumns+` FROM users WHERE token_hash = ? AND token_hash <> ''`, hash)
}

func (s *Store) user(ctx context.Context, query string, arg string) (*parley.User, error) {
	var u parley.User
	var created int64
	err := s.queryRow(ctx, query, arg).Scan(&u.ID, &u.SiteID, &u.Name, &u.TokenHash, &created)
	if err != nil {
		return nil, mapError(err, "User", "Site")
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}
