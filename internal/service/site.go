package service

import (
	"context"
	"fmt"

	"parley"
)

// CreateSite stores a new site, filling unset settings with defaults.
func (s *Service) CreateSite(ctx context.Context, site *parley.Site) error {
	if site.EditWindow == 0 {
		site.EditWindow = parley.DefaultEditWindow
	}
	if site.MaxBodyLength == 0 {
		site.MaxBodyLength = parley.DefaultMaxBodyLength
	}
	if site.Origins == nil {
		site.Origins = []string{}
	}
	site.CreatedAt = s.now()
	if err := site.Validate(); err != nil {
		return err
	}
	if err := checkScorers(site); err != nil {
		return err
	}
	if err := s.store.CreateSite(ctx, site); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return parley.Errorf(parley.ECONFLICT, "There is already a site %q.", site.ID)
		}
		return fmt.Errorf("create site: %w", err)
	}
	s.publishEvent(ctx, parley.Event{Type: parley.EventSiteChanged, SiteID: site.ID})
	return nil
}

// UpdateSite replaces a site's name, origins and settings. The word
// lists' version stays the stored one (see keepWordsVersion).
func (s *Service) UpdateSite(ctx context.Context, site *parley.Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
	if err := checkScorers(site); err != nil {
		return err
	}
	err := s.store.Update(ctx, func(tx parley.Tx) error {
		if err := keepWordsVersion(ctx, tx, site); err != nil {
			return err
		}
		return tx.UpdateSite(ctx, site)
	})
	if err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	s.sites.drop(site.ID)
	s.publishEvent(ctx, parley.Event{Type: parley.EventSiteChanged, SiteID: site.ID})
	return nil
}

// Site returns a site by ID.
func (s *Service) Site(ctx context.Context, id string) (*parley.Site, error) {
	if !parley.ValidID(id) {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no site %q.", id)
	}
	if site, ok := s.sites.get(id); ok {
		return site, nil
	}
	site, err := s.store.Site(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no site %q.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("site %s: %w", id, err)
	}
	s.sites.put(site.ID, site)
	return site, nil
}

// Sites returns every site.
func (s *Service) Sites(ctx context.Context) ([]*parley.Site, error) {
	sites, err := s.store.Sites(ctx)
	if err != nil {
		return nil, fmt.Errorf("sites: %w", err)
	}
	return sites, nil
}

// SetStoryStatus opens or closes a story's discussion, creating the story
// if nobody has commented yet, in one unit of work: a refused status leaves
// no story behind.
func (s *Service) SetStoryStatus(ctx context.Context, siteID, storyID, status string) (*parley.Story, error) {
	if _, err := s.Site(ctx, siteID); err != nil {
		return nil, err
	}
	st, _, err := s.changeStory(ctx, siteID, storyID, storyChange{set: func(st *parley.Story) bool {
		changed := st.Status != status
		st.Status = status
		return changed
	}})
	return st, err
}

// Counts returns the comment count of each named story, 0 for stories
// nobody has commented on.
func (s *Service) Counts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error) {
	if _, err := s.Site(ctx, siteID); err != nil {
		return nil, err
	}
	if len(storyIDs) == 0 || len(storyIDs) > maxCountStories {
		return nil, parley.Errorf(parley.EINVALID, "Ask for 1 to %d stories at a time.", maxCountStories)
	}
	for _, id := range storyIDs {
		if !parley.ValidID(id) {
			return nil, parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", id)
		}
	}
	counts, err := s.store.CommentCounts(ctx, siteID, storyIDs)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	for _, id := range storyIDs {
		if _, ok := counts[id]; !ok {
			counts[id] = 0
		}
	}
	return counts, nil
}

// RegisterStory makes sure a story exists with the given article details,
// before anyone comments on it; an existing story is left as it is.
func (s *Service) RegisterStory(ctx context.Context, siteID, storyID string, info StoryInfo) (*parley.Story, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	st, stored, err := s.newStory(ctx, site, storyID, info)
	if err != nil {
		return nil, err
	}
	if stored {
		return st, nil
	}
	got, err := s.store.EnsureStory(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("ensure story: %w", err)
	}
	if got.Status == parley.StoryClosed {
		return nil, errClosed()
	}
	return got, nil
}
