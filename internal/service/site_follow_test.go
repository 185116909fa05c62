package service_test

import (
	"context"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestSiteCacheFollowsTheBus: two instances on one database, whose buses
// are linked (here: one bus). A change made on one is seen on the other at
// once, not after the site cache's TTL; a lost event empties the cache.
func TestSiteCacheFollowsTheBus(t *testing.T) {
	ctx := context.Background()
	store, bus := testStore(t), realtime.NewBus()
	a := service.New(store, markup.New(), bus, quietLog())
	b := service.New(store, markup.New(), bus, quietLog())
	if err := a.CreateSite(ctx, &parley.Site{ID: "s", Name: "Old"}); err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		site, err := a.Site(ctx, "s")
		if err != nil {
			t.Fatal(err)
		}
		return site.Name
	}
	if got := name(); got != "Old" { // now cached on a
		t.Fatalf("name = %q", got)
	}
	site, err := b.Site(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	site.Name = "New"
	if err := b.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "New" {
		t.Errorf("after an update on the other instance, name = %q, want New", got)
	}

	// A change the bus did not carry, then a lost event.
	site.Name = "Newer"
	if err := store.Update(ctx, func(tx parley.Tx) error { return tx.UpdateSite(ctx, site) }); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "New" {
		t.Fatalf("name = %q, want the cached New", got)
	}
	bus.Publish(ctx, parley.Event{Type: parley.EventMissed})
	if got := name(); got != "Newer" {
		t.Errorf("after a lost event, name = %q, want Newer", got)
	}
}
