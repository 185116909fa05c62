package service

import (
	"context"
	"fmt"

	"parley"
)

// AddNote records a moderator's note on a user of their site: an audit
// entry (parley.AuditNoted, the text in Note) and the user's note count,
// in one unit of work. Notes are for moderators only; the user never sees
// them.
func (s *Service) AddNote(ctx context.Context, siteID, userID, text string) (*parley.AuditEntry, error) {
	note, err := cleanNote(text)
	if err != nil {
		return nil, err
	}
	if note == "" {
		return nil, parley.Errorf(parley.EINVALID, "A note needs some text.").Keyed("noteRequired")
	}
	site, u, err := s.siteUser(ctx, siteID, userID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actModerate, nil)
	if err != nil {
		return nil, err
	}
	e := &parley.AuditEntry{SiteID: site.ID, Action: parley.AuditNoted, UserID: u.ID, ActorID: a.User.ID, Note: note, CreatedAt: s.now()}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CountNote(ctx, u.ID); err != nil {
			return fmt.Errorf("count note: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Notes returns the moderators' notes on a user, newest first (the newest
// parley.MaxAuditPage).
func (s *Service) Notes(ctx context.Context, siteID, userID string) ([]*parley.AuditEntry, error) {
	site, u, err := s.siteUser(ctx, siteID, userID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actModerate, nil); err != nil {
		return nil, err
	}
	notes, err := s.store.Audit(ctx, parley.AuditQuery{SiteID: site.ID, UserID: u.ID, Action: parley.AuditNoted, Limit: parley.MaxAuditPage})
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	return notes, nil
}
