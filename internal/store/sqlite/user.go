package sqlite

import (
	"context"

	"parley"
)

const userColumns = `id, site_id, name, token_hash, created_at`

// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
func (s *Store) CreateUser(ctx context.Context, u *parley.User) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateUser(ctx, u) })
}

// CreateUser stores a new user in the unit; ECONFLICT.
func (w *unit) CreateUser(_ context.Context, u *parley.User) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.SiteID, u.Name, u.TokenHash, millis(u.CreatedAt))
	return mapError(err, "User", "Site")
}

// User returns a user by ID; ENOTFOUND.
func (s *Store) User(ctx context.Context, id string) (*parley.User, error) {
	return readUser(ctx, s.queryRow, userByID, id)
}

// User returns a user by ID as the unit sees it; ENOTFOUND.
func (w *unit) User(_ context.Context, id string) (*parley.User, error) {
	return readUser(w.ctx, w.row, userByID, id)
}

// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND. The
// empty hash belongs to users without a commenter token and finds nobody.
func (s *Store) UserByTokenHash(ctx context.Context, hash string) (*parley.User, error) {
	return readUser(ctx, s.queryRow, userByToken, hash)
}

// UserByTokenHash returns a user by token hash as the unit sees it.
func (w *unit) UserByTokenHash(_ context.Context, hash string) (*parley.User, error) {
	return readUser(w.ctx, w.row, userByToken, hash)
}

const (
	userByID    = `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	userByToken = `SELECT ` + userColumns + ` FROM users WHERE token_hash = ? AND token_hash <> ''`
)

func readUser(ctx context.Context, row rowQuery, query string, arg string) (*parley.User, error) {
	var u parley.User
	var created int64
	err := row(ctx, query, arg).Scan(&u.ID, &u.SiteID, &u.Name, &u.TokenHash, &created)
	if err != nil {
		return nil, mapError(err, "User", "Site")
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}
