package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const userColumns = `id, site_id, name, token_hash, created_at, email, badges, role`

// userRead are the columns a read of a user scans (scanUser): userColumns,
// which a user is written with, and what moderators and the store keep.
const userRead = userColumns + `, warned_at, suspended_until, banned_at, approved_count, pending_count, rejected_count, reports_count, notes_count`

// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
func (t *unit) CreateUser(ctx context.Context, u *parley.User) error {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return fmt.Errorf("postgres: encode badges: %w", err)
	}
	_, err = t.db.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		u.ID, u.SiteID, u.Name, u.TokenHash, u.CreatedAt, u.Email, string(badges), u.Role.String())
	return translate(err, "user")
}

// UpdateUser replaces a user's name, e-mail, badges and role; ENOTFOUND.
func (t *unit) UpdateUser(ctx context.Context, u *parley.User) error {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return fmt.Errorf("postgres: encode badges: %w", err)
	}
	tag, err := t.db.Exec(ctx, `UPDATE users SET name = $2, email = $3, badges = $4, role = $5 WHERE id = $1`,
		u.ID, u.Name, u.Email, string(badges), u.Role.String())
	if err != nil {
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return nil
}

// User returns a user by ID; ENOTFOUND.
func (t *unit) User(ctx context.Context, id string) (*parley.User, error) {
	return t.user(ctx, `SELECT `+userRead+` FROM users WHERE id = $1`, id)
}

// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND. The
// empty hash, which users without a commenter token share, matches no one.
func (t *unit) UserByTokenHash(ctx context.Context, hash string) (*parley.User, error) {
	return t.user(ctx, `SELECT `+userRead+` FROM users WHERE token_hash = $1 AND token_hash <> ''`, hash)
}

func (t *unit) user(ctx context.Context, query string, args ...any) (*parley.User, error) {
	rows, _ := t.db.Query(ctx, query, args...)
	u, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*parley.User, error) {
		return scanUser(row)
	})
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, nil
}

// scanUser reads the userRead columns, in their order, and then dest.
func scanUser(row pgx.Row, dest ...any) (*parley.User, error) {
	var u parley.User
	var badges, role string
	var warned, suspended, banned *time.Time
	n := &u.Counts
	err := row.Scan(append([]any{&u.ID, &u.SiteID, &u.Name, &u.TokenHash, &u.CreatedAt, &u.Email, &badges, &role,
		&warned, &suspended, &banned, &n.Approved, &n.Pending, &n.Rejected, &n.Reports, &n.Notes}, dest...)...)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	u.Sanctions = parley.Sanctions{WarnedAt: fromNull(warned), SuspendedUntil: fromNull(suspended), BannedAt: fromNull(banned)}
	if err := json.Unmarshal([]byte(badges), &u.Badges); err != nil {
		return nil, fmt.Errorf("decode badges of user %s: %w", u.ID, err)
	}
	if len(u.Badges) == 0 {
		u.Badges = nil
	}
	if role == parley.RoleNone.String() {
		return &u, nil // stored as it was given: UserRole reads it as commenter
	}
	if u.Role, err = parley.ParseRole(role); err != nil {
		return nil, fmt.Errorf("role of user %s: %w", u.ID, err)
	}
	return &u, nil
}

// nonNil stores a missing list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
