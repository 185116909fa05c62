package service_test

import (
	"context"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestStoryCache: a post goes by the story as last read for at most the
// cache's TTL, and a story.changed event on the bus (as NATS brings one
// from another instance) makes the next post read the story again at once.
// The story is changed in the store directly, as another instance would.
func TestStoryCache(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	bus := realtime.NewBus()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	svc := service.New(store, markup.New(), bus, quietLog(), service.WithClock(func() time.Time { return now }))
	site := &parley.Site{ID: "s", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}}
	if err := svc.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	n := 0
	post := func() error {
		n++
		_, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "Beitrag Nummer " + string(rune('A'+n)), AuthorName: "Ida"})
		return err
	}
	setStatus := func(status string) {
		t.Helper()
		st, err := store.Story(ctx, "s", "a")
		if err != nil {
			t.Fatal(err)
		}
		st.Status = status
		if err := store.UpdateStory(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the first post creates the story, the second reads and caches it
		if err := post(); err != nil {
			t.Fatal(err)
		}
	}

	setStatus(parley.StoryClosed) // no event: this instance does not know yet
	if err := post(); err != nil {
		t.Fatalf("post within the TTL of the story read as open: %v", err)
	}
	now = now.Add(3 * time.Second) // past the TTL
	if err := post(); parley.ErrorKey(err) != "closed" {
		t.Fatalf("post after the TTL to a closed story: %v, want the key closed", err)
	}

	setStatus(parley.StoryOpen)
	if err := bus.Publish(ctx, parley.Event{Type: parley.EventStoryChanged, SiteID: "s", StoryID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := post(); err != nil {
		t.Fatalf("post after the event of the reopening: %v", err)
	}
	setStatus(parley.StoryClosed)
	if err := bus.Publish(ctx, parley.Event{Type: parley.EventStoryChanged, SiteID: "s", StoryID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := post(); parley.ErrorKey(err) != "closed" {
		t.Fatalf("post after the event of the closing: %v, want the key closed", err)
	}
}
