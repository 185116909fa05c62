package service

import (
	"context"
	"fmt"

	"parley"
)

// Live is a stored event as readers may see it: the comment and story as
// they are now, so that replaying an event twice changes nothing.
type Live struct {
	Type    string
	Comment *parley.Comment // nil for story events
	Story   *parley.Story
	// Removed says the comment is no longer in the thread at all (deleted
	// without replies, or rejected), rather than shown as a placeholder.
	Removed bool
}

// Live returns what readers may see of ev. ok is false for events that
// are not for readers' eyes, such as a comment awaiting moderation.
func (s *Service) Live(ctx context.Context, ev parley.StoredEvent) (l *Live, ok bool, err error) {
	story, err := s.store.Story(ctx, ev.SiteID, ev.StoryID)
	if err != nil {
		return nil, false, fmt.Errorf("story: %w", err)
	}
	l = &Live{Type: ev.Type, Story: story}
	if ev.CommentID == "" {
		return l, ev.Type == parley.EventStoryChanged, nil
	}
	if l.Comment, err = s.store.Comment(ctx, ev.CommentID); err != nil {
		return nil, false, fmt.Errorf("comment: %w", err)
	}
	if ev.Type == parley.EventCommentCreated || ev.Type == parley.EventCommentEdited {
		if err := s.withStanding(ctx, l.Comment); err != nil { // the stream shows the author as the page does
			return nil, false, err
		}
	}
	shown := l.Comment.Shown()
	switch ev.Type {
	case parley.EventCommentDeleted:
		l.Removed = !shown
		return l, true, nil
	case parley.EventCommentCreated, parley.EventCommentEdited, parley.EventReaction:
		return l, shown && l.Comment.Status == parley.StatusApproved, nil
	}
	return nil, false, nil
}

// StoryState returns a story as readers see it, open and empty if nobody
// has commented yet.
func (s *Service) StoryState(ctx context.Context, siteID, storyID string) (*parley.Story, error) {
	if _, err := s.Site(ctx, siteID); err != nil {
		return nil, err
	}
	if !parley.ValidID(storyID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no story %q.", storyID)
	}
	st, err := s.store.Story(ctx, siteID, storyID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return &parley.Story{SiteID: siteID, ID: storyID, Status: parley.StoryOpen}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	return st, nil
}
