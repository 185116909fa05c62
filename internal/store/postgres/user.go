package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"parley"
)

const userColumns = `id, site_id, name, token_hash, created_at`

// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
func (t *unit) CreateUser(ctx context.Context, u *parley.User) error {
	_, err := t.db.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.SiteID, u.Name, u.TokenHash, u.CreatedAt)
	return translate(err, "user")
}

// User returns a user by ID; ENOTFOUND.
func (t *unit) User(ctx context.Context, id string) (*parley.User, error) {
	return t.user(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
}

// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND. The
// empty hash, which users without a commenter token share, matches no one.
func (t *unit) UserByTokenHash(ctx context.Context, hash string) (*parley.User, error) {
	return t.user(ctx, `SELECT `+userColumns+` FROM users WHERE token_hash = $1 AND token_hash <> ''`, hash)
}

func (t *unit) user(ctx context.Context, query, arg string) (*parley.User, error) {
	rows, _ := t.db.Query(ctx, query, arg)
	u, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*parley.User, error) {
		var u parley.User
		err := row.Scan(&u.ID, &u.SiteID, &u.Name, &u.TokenHash, &u.CreatedAt)
		u.CreatedAt = u.CreatedAt.UTC()
		return &u, err
	})
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, nil
}
