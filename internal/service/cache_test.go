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

// TestCachesKeepTheServiceClock: the site cache expires by the clock the
// service was given, not the wall clock, so that a change made elsewhere
// (another instance, the CLI) shows once the TTL has passed on that clock.
func TestCachesKeepTheServiceClock(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog(),
		service.WithClock(func() time.Time { return now }))
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s", Name: "Alt"}); err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		site, err := svc.Site(ctx, "s")
		if err != nil {
			t.Fatal(err)
		}
		return site.Name
	}
	name() // cached now
	changed, err := store.Site(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	changed.Name = "Neu"
	if err := store.UpdateSite(ctx, changed); err != nil { // behind the service's back
		t.Fatal(err)
	}
	if got := name(); got != "Alt" {
		t.Errorf("within the TTL: %q, want the cached Alt", got)
	}
	now = now.Add(time.Minute)
	if got := name(); got != "Neu" {
		t.Errorf("a minute later on the service's clock: %q, want Neu", got)
	}
}
