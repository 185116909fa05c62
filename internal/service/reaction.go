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
	c, a, err := s.othersComment(ctx, commentID, actReact)
	if err != nil {
		return nil, err
	}
	added, err := s.store.AddReaction(ctx, c.ID, a.User.ID, s.now())
	if err != nil {
		return nil, fmt.Errorf("add reaction: %w", err)
	}
	return s.reacted(ctx, c, added, true)
}

// Unreact withdraws the caller's reaction, if any.
func (s *Service) Unreact(ctx context.Context, commentID string) (*Reacted, error) {
	c, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actUnreact, c)
	if err != nil {
		return nil, err
	}
	removed, err := s.store.RemoveReaction(ctx, c.ID, a.User.ID)
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
	c, a, err := s.othersComment(ctx, in.CommentID, actReport)
	if err != nil {
		return nil, err
	}
	r := &parley.Report{CommentID: c.ID, UserID: a.User.ID, Reason: in.Reason, Note: note, CreatedAt: s.now(), IPHash: s.addressHash(ctx)}
	r.ID = parley.NewID(r.CreatedAt)
	if err := s.store.CreateReport(ctx, r); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return nil, parley.Errorf(parley.ECONFLICT, "You have already reported this comment.").Keyed("alreadyReported")
		}
		return nil, fmt.Errorf("create report: %w", err)
	}
	// The comment is back in the reported queue: moderators' screens follow.
	s.publishEvent(ctx, parley.Event{Type: parley.EventQueueChanged, SiteID: c.SiteID, StoryID: c.StoryID, CommentID: c.ID})
	return r, nil
}

// othersComment loads an approved comment that the caller may act on
// (act: react or report), which authorize allows only with an identity
// they already have and never on their own comment.
func (s *Service) othersComment(ctx context.Context, id string, act action) (*parley.Comment, *parley.Actor, error) {
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
	a, err := authorize(ctx, site, act, c)
	if err != nil {
		return nil, nil, err
	}
	return c, a, nil
}
