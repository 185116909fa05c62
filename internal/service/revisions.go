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
	return withFirst(c, revs), nil
}

// withFirst returns a comment's stored revisions, or for a comment that
// has none (one let through clean and never edited: see firstRevision)
// its text as revision 1, approved with nothing to say.
func withFirst(c *parley.Comment, revs []*parley.Revision) []*parley.Revision {
	if len(revs) > 0 {
		return revs
	}
	return []*parley.Revision{{CommentID: c.ID, N: 1, Body: c.Body, HTML: c.HTML, Status: parley.StatusApproved, CreatedAt: c.CreatedAt}}
}
