package pagecache

import (
	"context"
	"testing"

	"parley"
	"parley/internal/realtime"
)

// TestCacheFollowsTheBus: the cache learns of changes from the bus alone.
// A story's event drops that story's pages and no other's; a lost event
// drops every page; site events and a closed cache drop nothing.
func TestCacheFollowsTheBus(t *testing.T) {
	ctx := context.Background()
	bus := realtime.NewBus()
	c, err := New(1<<20, bus)
	if err != nil {
		t.Fatal(err)
	}
	loads := map[string]int{}
	get := func(story string) {
		c.Get("s", story, "k", func() ([]byte, bool, error) {
			loads[story]++
			return []byte(story), true, nil
		})
	}
	step := func(name string, ev parley.Event, wantA, wantB int) {
		t.Helper()
		if ev.Type != "" {
			bus.Publish(ctx, ev)
		}
		get("a")
		get("b")
		if loads["a"] != wantA || loads["b"] != wantB {
			t.Errorf("%s: loads a=%d b=%d, want %d and %d", name, loads["a"], loads["b"], wantA, wantB)
		}
	}
	step("first reads", parley.Event{}, 1, 1)
	step("cached", parley.Event{}, 1, 1)
	step("a comment on a", parley.Event{Type: parley.EventCommentCreated, SiteID: "s", StoryID: "a", CommentID: "c"}, 2, 1)
	step("story b changed", parley.Event{Type: parley.EventStoryChanged, SiteID: "s", StoryID: "b"}, 2, 2)
	step("another site's story a", parley.Event{Type: parley.EventReaction, SiteID: "t", StoryID: "a"}, 2, 2)
	step("a site changed", parley.Event{Type: parley.EventSiteChanged, SiteID: "s"}, 2, 2)
	step("events lost", parley.Event{Type: parley.EventMissed}, 3, 3)
	c.Close()
	step("after Close", parley.Event{Type: parley.EventCommentCreated, SiteID: "s", StoryID: "a"}, 3, 3)
}

// TestCacheMissedDuringLoad: a load that raced with a lost event is not
// kept, as with a story's own event.
func TestCacheMissedDuringLoad(t *testing.T) {
	bus := realtime.NewBus()
	c, _ := New(1<<20, bus)
	c.Get("s", "a", "k", func() ([]byte, bool, error) {
		bus.Publish(context.Background(), parley.Event{Type: parley.EventMissed})
		return []byte("old"), true, nil
	})
	p, _ := c.Get("s", "a", "k", page("new", nil))
	if string(p.raw) != "new" {
		t.Errorf("got %q after a lost event during the load, want the fresh page", p.raw)
	}
}
