package service

import (
	"context"

	"parley"
)

// History returns a page of a user's comments on their site, newest first,
// whatever their status, each as a queue item; cursor is "" or a
// QueuePage.Next.
func (s *Service) History(ctx context.Context, siteID, userID, cursor string) (*QueuePage, error) {
	site, u, err := s.siteUser(ctx, siteID, userID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actReadQueue, nil); err != nil {
		return nil, err
	}
	before, err := decodeQueueCursor(cursor)
	if err != nil {
		return nil, err
	}
	return s.queuePage(ctx, parley.QueueQuery{SiteID: site.ID, AuthorID: u.ID, BeforeID: before, Limit: defaultQueuePage})
}
