package service

import (
	"context"

	"parley"
)

// liftSanction lifts the sanction e recorded, for a reversed complaint.
func (s *Service) liftSanction(ctx context.Context, tx parley.Tx, e *parley.AuditEntry, c *parley.Complaint) (*parley.AuditEntry, error) {
	return nil, parley.Errorf(parley.EUNAVAILABLE, "Sanctions cannot be lifted by a complaint yet.")
}
