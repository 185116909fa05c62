package service

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// maxOwnComments bounds the personal state of one story.
const maxOwnComments = 500

// State is what is personal to the caller on a story, kept out of the
// cacheable public thread: their reactions and their own comments,
// including those still awaiting moderation.
type State struct {
	User      *parley.User // nil for an anonymous reader
	Reactions []string     // IDs of comments the caller reacted to
	Comments  []*Own
}

// Own is one of the caller's comments, with the Markdown source for editing
// and the time until which it may be edited.
type Own struct {
	*parley.Comment
	EditableUntil time.Time
}

// MyState returns the caller's personal state on a story.
func (s *Service) MyState(ctx context.Context, siteID, storyID string) (*State, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if !parley.ValidID(storyID) {
		return nil, parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", storyID)
	}
	a, err := authorize(ctx, site, actReadOwn, nil)
	if err != nil {
		return nil, err
	}
	st := &State{Reactions: []string{}, Comments: []*Own{}}
	if a == nil {
		return st, nil
	}
	u := a.User
	st.User = u
	reactions, err := s.store.UserReactions(ctx, siteID, storyID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("user reactions: %w", err)
	}
	st.Reactions = append(st.Reactions, reactions...)
	own, err := s.store.UserComments(ctx, siteID, storyID, u.ID, maxOwnComments)
	if err != nil {
		return nil, fmt.Errorf("user comments: %w", err)
	}
	for _, c := range own {
		until := c.CreatedAt.Add(site.EditWindow)
		st.Comments = append(st.Comments, &Own{Comment: c, EditableUntil: until})
	}
	return st, nil
}
