package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

const userColumns = `id, site_id, name, token_hash, created_at, email, badges, role`

// userRead are the columns a read of a user scans (scanUser): userColumns,
// which a user is written with, and what moderators and the store keep.
const userRead = userColumns + `, warned_at, suspended_until, banned_at, approved_count, pending_count, rejected_count, reports_count, notes_count`

// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
func (s *Store) CreateUser(ctx context.Context, u *parley.User) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateUser(ctx, u) })
}

// CreateUser stores a new user in the unit; ECONFLICT.
func (w *unit) CreateUser(_ context.Context, u *parley.User) error {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return fmt.Errorf("sqlite: encode badges: %w", err)
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.SiteID, u.Name, u.TokenHash, millis(u.CreatedAt), u.Email, string(badges), u.Role.String())
	return mapError(err, "User", "Site")
}

// UpdateUser replaces a user's name, e-mail, badges and role; ENOTFOUND.
func (s *Store) UpdateUser(ctx context.Context, u *parley.User) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UpdateUser(ctx, u) })
}

// UpdateUser replaces a user's profile in the unit; ENOTFOUND.
func (w *unit) UpdateUser(_ context.Context, u *parley.User) error {
	badges, err := json.Marshal(nonNil(u.Badges))
	if err != nil {
		return fmt.Errorf("sqlite: encode badges: %w", err)
	}
	res, err := w.tx.ExecContext(w.ctx, `UPDATE users SET name = ?, email = ?, badges = ?, role = ? WHERE id = ?`,
		u.Name, u.Email, string(badges), u.Role.String(), u.ID)
	if err != nil {
		return mapError(err, "User", "Site")
	}
	return notFoundUnless(res, "User")
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
	userByID    = `SELECT ` + userRead + ` FROM users WHERE id = ?`
	userByToken = `SELECT ` + userRead + ` FROM users WHERE token_hash = ? AND token_hash <> ''`
)

func readUser(ctx context.Context, row rowQuery, query string, arg string) (*parley.User, error) {
	u, err := scanUser(row(ctx, query, arg))
	if err != nil {
		return nil, mapError(err, "User", "Site")
	}
	return u, nil
}

// scanUser reads the userRead columns, in their order, and then dest.
func scanUser(row scanner, dest ...any) (*parley.User, error) {
	var u parley.User
	var created, warned, suspended, banned int64
	var badges, role string
	n := &u.Counts
	err := row.Scan(append([]any{&u.ID, &u.SiteID, &u.Name, &u.TokenHash, &created, &u.Email, &badges, &role,
		&warned, &suspended, &banned, &n.Approved, &n.Pending, &n.Rejected, &n.Reports, &n.Notes}, dest...)...)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = fromMillis(created)
	u.Sanctions = parley.Sanctions{WarnedAt: fromMillis(warned), SuspendedUntil: fromMillis(suspended), BannedAt: fromMillis(banned)}
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
