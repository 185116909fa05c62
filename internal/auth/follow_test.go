package auth_test

import (
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
)

// TestFollowDropsChangedUsers: a sanctioned user is read again on their
// next request instead of coming from the cache, so that a ban holds at
// once, and other users stay cached.
func TestFollowDropsChangedUsers(t *testing.T) {
	w := newWorld(t)
	bus := realtime.NewBus()
	unfollow, err := w.tokens.Follow(bus)
	if err != nil {
		t.Fatal(err)
	}
	defer unfollow()
	ask := func() {
		t.Helper()
		if _, err := w.tokens.Actor(t.Context(), w.token); err != nil {
			t.Fatal(err)
		}
	}
	ask()
	ask()
	if n := w.users.n.Load(); n != 1 {
		t.Fatalf("%d queries for two requests, want 1 (cached)", n)
	}
	publish := func(ev parley.Event) {
		if err := bus.Publish(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	publish(parley.Event{Type: parley.EventUserChanged, SiteID: "news", UserID: "someone-else"})
	ask()
	if n := w.users.n.Load(); n != 1 {
		t.Errorf("another user's change dropped this one: %d queries", n)
	}
	publish(parley.Event{Type: parley.EventUserChanged, SiteID: "news", UserID: w.user.ID})
	ask()
	if n := w.users.n.Load(); n != 2 {
		t.Errorf("after the user changed: %d queries, want 2", n)
	}
	w.clock = w.clock.Add(time.Second)
	ask()
	if n := w.users.n.Load(); n != 2 {
		t.Errorf("the user read again is not cached: %d queries", n)
	}
}
