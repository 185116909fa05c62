package postgres

import (
	"context"

	"parley"
)

// SetSanctions replaces a user's sanctions; ENOTFOUND.
func (t *unit) SetSanctions(ctx context.Context, userID string, sn parley.Sanctions) error {
	tag, err := t.db.Exec(ctx, `UPDATE users SET warned_at = $2, suspended_until = $3, banned_at = $4 WHERE id = $1`,
		userID, nullTime(sn.WarnedAt), nullTime(sn.SuspendedUntil), nullTime(sn.BannedAt))
	if err != nil {
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return nil
}

// CountNote raises a user's note count; ENOTFOUND.
func (t *unit) CountNote(ctx context.Context, userID string) error {
	tag, err := t.db.Exec(ctx, `UPDATE users SET notes_count = notes_count + 1 WHERE id = $1`, userID)
	if err != nil {
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return nil
}
