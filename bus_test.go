package parley_test

import (
	"testing"

	"parley"
)

// TestTopics: an event is published on its kind, site and story, and a
// subscription narrows by site and story; a site event is never a story's.
func TestTopics(t *testing.T) {
	comment := parley.Event{Type: parley.EventCommentCreated, SiteID: "s", StoryID: "a", CommentID: "c"}
	site := parley.Event{Type: parley.EventSiteChanged, SiteID: "s"}
	for _, c := range []struct {
		sub  parley.Topic
		ev   parley.Event
		want bool
	}{
		{parley.Topic{Kind: parley.TopicStories}, comment, true},
		{parley.Topic{Kind: parley.TopicStories, SiteID: "s"}, comment, true},
		{parley.Topic{Kind: parley.TopicStories, SiteID: "s", StoryID: "a"}, comment, true},
		{parley.Topic{Kind: parley.TopicStories, SiteID: "s", StoryID: "b"}, comment, false},
		{parley.Topic{Kind: parley.TopicStories, SiteID: "t"}, comment, false},
		{parley.Topic{Kind: parley.TopicSites}, comment, false},
		{parley.Topic{Kind: parley.TopicSites}, site, true},
		{parley.Topic{Kind: parley.TopicSites, SiteID: "t"}, site, false},
		{parley.Topic{Kind: parley.TopicStories}, site, false},
	} {
		if got := c.sub.Matches(c.ev.Topic()); got != c.want {
			t.Errorf("%+v gets %+v: %v, want %v", c.sub, c.ev, got, c.want)
		}
	}
}
