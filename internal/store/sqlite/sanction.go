package sqlite

import (
	"context"

	"parley"
)

// SetSanctions replaces a user's sanctions as a unit of its own.
func (s *Store) SetSanctions(ctx context.Context, userID string, sn parley.Sanctions) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.SetSanctions(ctx, userID, sn) })
}

// SetSanctions replaces a user's sanctions in the unit; ENOTFOUND.
func (w *unit) SetSanctions(_ context.Context, userID string, sn parley.Sanctions) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE users SET warned_at = ?, suspended_until = ?, banned_at = ? WHERE id = ?`,
		millis(sn.WarnedAt), millis(sn.SuspendedUntil), millis(sn.BannedAt), userID)
	if err != nil {
		return mapError(err, "User", "Site")
	}
	return notFoundUnless(res, "User")
}

// CountNote raises a user's note count as a unit of its own.
func (s *Store) CountNote(ctx context.Context, userID string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CountNote(ctx, userID) })
}

// CountNote raises a user's note count in the unit; ENOTFOUND.
func (w *unit) CountNote(_ context.Context, userID string) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE users SET notes_count = notes_count + 1 WHERE id = ?`, userID)
	if err != nil {
		return mapError(err, "User", "Site")
	}
	return notFoundUnless(res, "User")
}
