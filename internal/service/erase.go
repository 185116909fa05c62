package service

import (
	"context"
	"fmt"

	"parley"
)

// EraseConfirmation is what a reader must send to erase their account, so
// that no stray request (a replayed call, a misrouted DELETE) does it.
const EraseConfirmation = "delete"

// erased is what an erasure changed, for the events published after it
// committed.
type erased struct {
	deleted, anonymized, reacted []*parley.Comment
}

// EraseMe erases the caller's account on siteID (the right to erasure), in
// one unit of work, so that a failure anywhere leaves everything as it
// was. Under the site's policy (parley.Privacy) their comments are deleted
// through the normal status transition (one with replies stays as the
// placeholder) or kept and shown as by a deleted user; either way their
// reactions are withdrawn (counts follow), and their profile, sessions,
// identities and notifications go (Tx.EraseUser). confirm must be
// EraseConfirmation (EINVALID, key confirmRequired).
func (s *Service) EraseMe(ctx context.Context, siteID, confirm string) error {
	if confirm != EraseConfirmation {
		return parley.Errorf(parley.EINVALID, "To erase your account, confirm with %q.", EraseConfirmation).Keyed("confirmRequired")
	}
	site, a, err := s.account(ctx, siteID)
	if err != nil {
		return err
	}
	var done erased
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		done = erased{}
		return s.eraseIn(ctx, tx, site.Privacy.Policy(), a.User.ID, &done)
	})
	if err != nil {
		return err
	}
	for _, c := range done.deleted {
		s.publish(ctx, parley.EventCommentDeleted, c)
	}
	for _, c := range done.anonymized {
		s.publish(ctx, parley.EventCommentEdited, c)
	}
	for _, c := range done.reacted {
		s.publish(ctx, parley.EventReaction, c)
	}
	s.log.InfoContext(ctx, "account erased", "site", siteID, "user", a.User.ID, "policy", site.Privacy.Policy(),
		"comments", len(done.deleted)+len(done.anonymized), "reactions", len(done.reacted))
	return nil
}

func (s *Service) eraseIn(ctx context.Context, tx parley.Tx, policy, userID string, done *erased) error {
	now := s.now()
	cs, err := s.allComments(ctx, tx, userID, false)
	if err != nil {
		return err
	}
	for _, c := range cs {
		switch {
		case policy == parley.EraseDelete:
			if err := tx.SetCommentStatus(ctx, c.ID, parley.StatusDeleted, now); err != nil {
				return fmt.Errorf("erase: delete comment %s: %w", c.ID, err)
			}
			done.deleted = append(done.deleted, c)
		case c.Status == parley.StatusApproved:
			done.anonymized = append(done.anonymized, c)
		}
	}
	rs, err := tx.AuthorReactions(ctx, userID)
	if err != nil {
		return fmt.Errorf("erase: reactions: %w", err)
	}
	for _, r := range rs {
		c, err := tx.Comment(ctx, r.CommentID)
		if err != nil {
			return fmt.Errorf("erase: reacted comment: %w", err)
		}
		if _, err := tx.RemoveReaction(ctx, r.CommentID, userID); err != nil {
			return fmt.Errorf("erase: reaction: %w", err)
		}
		done.reacted = append(done.reacted, c)
	}
	if err := tx.EraseUser(ctx, userID, now); err != nil {
		return fmt.Errorf("erase user: %w", err)
	}
	return nil
}
