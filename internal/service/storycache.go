package service

import (
	"context"
	"time"

	"parley"
)

// storyTTL bounds how long a post may go by a story's status and
// pre-moderation rule as this instance last read them, should the bus
// lose the event of a change (followStories drops a story at its event).
//
// Why a cache: every post needs its story, and on SQLite a read right
// after a commit finds the read connection's page cache reset by the WAL,
// so the story read cost 6 % of the server's CPU under 16 posters. A post
// went by a story read before its unit of work already, so a change that
// lands between the read and the write was never seen by that post; the
// cache keeps that window to the bus's delivery on every instance.
const storyTTL = 2 * time.Second

func storyKey(siteID, storyID string) string { return siteID + "\x00" + storyID }

// storedStory returns a stored story, from the cache when it was read
// within storyTTL and has not changed since; ENOTFOUND for one that has
// no comment yet (which is never cached: its first post creates it).
func (s *Service) storedStory(ctx context.Context, siteID, storyID string) (*parley.Story, error) {
	key := storyKey(siteID, storyID)
	if st, ok := s.stories.get(key); ok {
		return st, nil
	}
	st, err := s.store.Story(ctx, siteID, storyID)
	if err != nil {
		return nil, err
	}
	s.stories.put(key, st)
	return st, nil
}

// followStories makes the story cache forget a story as soon as the bus
// says it changed, here or (over NATS) on another instance; a lost event
// might be any story's, so it empties the cache. Without a bus the TTL
// alone holds.
func (s *Service) followStories() {
	if s.bus == nil {
		return
	}
	_, err := s.bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, func(ev parley.Event) {
		switch ev.Type {
		case parley.EventMissed:
			s.stories.clear()
		case parley.EventStoryChanged:
			s.stories.drop(storyKey(ev.SiteID, ev.StoryID))
		}
	})
	if err != nil {
		s.log.Warn("story cache: not following the bus; stories change here within the TTL", "ttl", storyTTL, "err", err)
	}
}
