package service

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// liftSanction lifts, for a reversed complaint, the sanction that e
// recorded, and fills r as its audit entry (user.reinstated): a ban, a
// suspension or a warning is taken off the user's standing, the others
// stay. Nothing is written when it was lifted already.
func (s *Service) liftSanction(ctx context.Context, tx parley.Tx, e, r *parley.AuditEntry) (*decided, error) {
	u, err := tx.User(ctx, e.UserID)
	if err != nil {
		return nil, fmt.Errorf("read sanctioned user: %w", err)
	}
	next := u.Sanctions
	switch e.Action {
	case parley.AuditBanned:
		next.BannedAt = time.Time{}
	case parley.AuditSuspended:
		next.SuspendedUntil = time.Time{}
	case parley.AuditWarned:
		next.WarnedAt = time.Time{}
	}
	if next == u.Sanctions {
		return nil, nil
	}
	if err := tx.SetSanctions(ctx, u.ID, next); err != nil {
		return nil, fmt.Errorf("lift sanction: %w", err)
	}
	r.Action, r.Before, r.After = parley.AuditReinstated, standingText(u.Sanctions, r.CreatedAt), standingText(next, r.CreatedAt)
	return &decided{r, ""}, appendAudit(ctx, tx, r)
}
