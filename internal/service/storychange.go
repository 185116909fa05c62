package service

import (
	"context"
	"fmt"

	"parley"
)

// storyChange is one change of a story's settings (its status, its
// pre-moderation rule). set changes the story and says whether anything
// changed; then, when it did, writes what goes with the change (an audit
// entry) in the same unit of work.
type storyChange struct {
	set  func(st *parley.Story) bool
	then func(tx parley.Tx, before parley.Story) error
}

// changeStory applies ch to a story of a site whose caller has been
// authorized, creating the story if nobody has commented yet, in one unit
// of work: a refused change leaves no story behind. It publishes
// EventStoryChanged when the story changed, and reports whether it did (in
// the attempt that was committed: SQLite may run a unit again in a group).
func (s *Service) changeStory(ctx context.Context, siteID, storyID string, ch storyChange) (st *parley.Story, changed bool, err error) {
	if !parley.ValidID(storyID) {
		return nil, false, parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", storyID)
	}
	err = s.store.Update(ctx, func(tx parley.Tx) (err error) {
		changed = false
		st, err = tx.EnsureStory(ctx, &parley.Story{SiteID: siteID, ID: storyID, Status: parley.StoryOpen, CreatedAt: s.now()})
		if err != nil {
			return fmt.Errorf("ensure story: %w", err)
		}
		before := *st
		if !ch.set(st) {
			return nil
		}
		if err := st.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateStory(ctx, st); err != nil {
			return fmt.Errorf("update story: %w", err)
		}
		changed = true
		if ch.then != nil {
			return ch.then(tx, before)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if changed {
		s.stories.drop(storyKey(siteID, storyID)) // at once, whatever the bus does
		s.publishEvent(ctx, parley.Event{Type: parley.EventStoryChanged, SiteID: siteID, StoryID: storyID})
	}
	return st, changed, nil
}
