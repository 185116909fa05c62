package service

import (
	"context"
	"fmt"

	"parley"
)

// account authorizes the caller to act on their own account on siteID:
// signed in there (EUNAUTHORIZED, key signInRequired), not an actor of
// another site (EFORBIDDEN).
func (s *Service) account(ctx context.Context, siteID string) (*parley.Site, *parley.Actor, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, nil, err
	}
	a, err := authorize(ctx, site, actAccount, nil)
	if err != nil {
		return nil, nil, err
	}
	return site, a, nil
}

// Default and largest page of MyComments.
const (
	defaultMyComments = 20
	maxMyComments     = 100
)

// MyComment is one of the caller's comments with the story it is on.
type MyComment struct {
	Comment *parley.Comment
	Story   *parley.Story
}

// MyComments returns one page of the caller's comments on every story of
// siteID that are not deleted, newest first, and the cursor of the next
// page ("" after the last). The cursor is the last comment's ID: opaque
// to clients, and a seek on the store's author index.
func (s *Service) MyComments(ctx context.Context, siteID, cursor string, limit int) ([]MyComment, string, error) {
	_, a, err := s.account(ctx, siteID)
	if err != nil {
		return nil, "", err
	}
	if cursor != "" && !parley.ValidCommentID(cursor) {
		return nil, "", parley.Errorf(parley.EINVALID, "The cursor is not valid.").Keyed("badCursor")
	}
	if limit < 1 || limit > maxMyComments {
		limit = defaultMyComments
	}
	cs, err := s.store.AuthorComments(ctx, parley.AuthorQuery{UserID: a.User.ID, Before: cursor, Limit: limit + 1})
	if err != nil {
		return nil, "", fmt.Errorf("my comments: %w", err)
	}
	next := ""
	if len(cs) > limit {
		cs, next = cs[:limit], cs[limit-1].ID
	}
	out := make([]MyComment, len(cs))
	stories := map[string]*parley.Story{}
	for i, c := range cs {
		st, ok := stories[c.StoryID]
		if !ok {
			if st, err = s.store.Story(ctx, c.SiteID, c.StoryID); err != nil {
				return nil, "", fmt.Errorf("story of my comment: %w", err)
			}
			stories[c.StoryID] = st
		}
		out[i] = MyComment{Comment: c, Story: st}
	}
	return out, next, nil
}
