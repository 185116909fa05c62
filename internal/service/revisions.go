package service

import (
	"context"
	"fmt"

	"parley"
)

// Revisions returns every text of a comment of the site with the
// pipeline's verdict on it, oldest first, to those who may read the
// site's queues: what a moderator compares to see what an edit changed.
// ENOTFOUND for a comment of another site, as for one that does not exist.
func (s *Service) Revisions(ctx context.Context, siteID, commentID string) ([]*parley.Revision, error) {
	if _, err := s.staffSite(ctx, siteID, actReadQueue); err != nil {
		return nil, err
	}
	if !parley.ValidCommentID(commentID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", commentID)
	}
	c, err := s.store.Comment(ctx, commentID)
	if err == nil && c.SiteID != siteID {
		err = parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", commentID)
	}
	if err != nil {
		return nil, err
	}
	revs, err := s.store.CommentRevisions(ctx, commentID)
	if err != nil {
		return nil, fmt.Errorf("revisions of %s: %w", commentID, err)
	}
	return revs, nil
}
