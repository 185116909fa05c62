package service

import (
	"context"
	"fmt"
	"unicode/utf8"

	"parley"
)

// Reacted is the result of a reaction change: the comment's new count and
// whether the caller now reacts to it.
type Reacted struct {
	Count   int
	Reacted bool
}

// React records the caller's "respect" for a comment; reacting twice counts
// once.
func (s *Service) React(ctx context.Context, commentID string) (*Reacted, error) {
	c, u, err := s.othersComment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	added, err := s.store.AddReaction(ctx, c.ID, u.ID, s.now())
	if err != nil {
		return nil, fmt.Errorf("add reaction: %w", err)
	}
	return s.reacted(ctx, c, added, true)
}

// Unreact withdraws the caller's reaction, if any.
func (s *Service) Unreact(ctx context.Context, commentID string) (*Reacted, error) {
	u, err := identity(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, err
	}
	if err := mayTakePart(ctx, site); err != nil {
		return nil, err
	}
	removed, err := s.store.RemoveReaction(ctx, c.ID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("remove reaction: %w", err)
	}
	return s.reacted(ctx, c, removed, false)
}

// reacted reports a reaction change with the count as stored after it, so
// that concurrent readers' reactions are counted too.
func (s *Service) reacted(ctx context.Context, c *parley.Comment, changed, now bool) (*Reacted, error) {
	if changed {
		s.publish(ctx, parley.EventReaction, c)
	}
	fresh, err := s.comment(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return &Reacted{Count: fresh.ReactionCount, Reacted: now}, nil
}

// NewReport is what a reader sends to report a comment.
type NewReport struct {
	CommentID string
	Reason    string
	Note      string
}

// Report records the caller's report of a comment, once per reader.
func (s *Service) Report(ctx context.Context, in NewReport) (*parley.Report, error) {
	if !parley.ValidReason(in.Reason) {
		return nil, parley.Errorf(parley.EINVALID, "The reason must be spam, abuse, off_topic or other.")
	}
	note, err := cleanText(in.Note, "note", true)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(note) > maxNoteLength {
		return nil, parley.Errorf(parley.EINVALID, "A note is at most %d characters.", maxNoteLength)
	}
	c, u, err := s.othersComment(ctx, in.CommentID)
	if err != nil {
		return nil, err
	}
	r := &parley.Report{CommentID: c.ID, UserID: u.ID, Reason: in.Reason, Note: note, CreatedAt: s.now()}
	r.ID = parley.NewID(r.CreatedAt)
	if err := s.store.CreateReport(ctx, r); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return nil, parley.Errorf(parley.ECONFLICT, "You have already reported this comment.").Keyed("alreadyReported")
		}
		return nil, fmt.Errorf("create report: %w", err)
	}
	return r, nil
}

// othersComment loads an approved comment that the caller may react to or
// report: not their own, and only with an identity they already have.
// Reactions and reports never create a commenter: if they did, each
// token-less call would count as one more reader, and anyone could stuff a
// count or a moderation queue with a loop. An identity costs a comment.
func (s *Service) othersComment(ctx context.Context, id string) (*parley.Comment, *parley.User, error) {
	u, err := identity(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.comment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != parley.StatusApproved {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", id)
	}
	site, err := s.Site(ctx, c.SiteID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, nil, err
	}
	if err := mayTakePart(ctx, site); err != nil {
		return nil, nil, err
	}
	if u.ID == c.AuthorID {
		return nil, nil, parley.Errorf(parley.EFORBIDDEN, "You cannot do this to your own comment.").Keyed("ownComment")
	}
	return c, u, nil
}

// identity returns the caller's existing identity, or EUNAUTHORIZED with
// the key identityRequired, which clients show as "write a comment first".
func identity(ctx context.Context) (*parley.User, error) {
	u := parley.UserFrom(ctx)
	if u == nil {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "Reacting and reporting need the commenter token that your first comment gave you.").Keyed("identityRequired")
	}
	return u, nil
}
