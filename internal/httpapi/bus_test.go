package httpapi_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"parley"
	"parley/internal/realtime"
	"parley/internal/service"
)

// mutableBus is the stack's bus, which a test can silence to show that
// nothing else carries the service's changes to the page cache.
type mutableBus struct {
	*realtime.Bus
	muted atomic.Bool
}

func (b *mutableBus) Publish(ctx context.Context, ev parley.Event) error {
	if b.muted.Load() {
		return nil
	}
	return b.Bus.Publish(ctx, ev)
}

// TestChangesTravelByTheBus: a change committed by the service (called
// directly, not through a handler) reaches the cached page and the live
// stream over the bus; with the bus silent the cached page stays as it
// was (the stack's clock stands still, so it cannot expire), and a lost-
// events notice on the bus brings both up to date.
func TestChangesTravelByTheBus(t *testing.T) {
	ctx := context.Background()
	s := fixtures(t, onSQLite)
	live := openStream(t, s, stream)
	s.do("GET", thread, "", "") // page 1 is cached now
	say := func(body string) {
		t.Helper()
		if _, err := s.svc.Post(ctx, service.NewComment{SiteID: "news", StoryID: "s1", Body: body, AuthorName: "Bea"}); err != nil {
			t.Fatal(err)
		}
	}
	shows := func(body string) bool { return strings.Contains(s.do("GET", thread, "", "").body, body) }

	say("Über den Bus")
	live.expect("created", "Über den Bus")
	if !shows("Über den Bus") {
		t.Error("the cached page missed a change published on the bus")
	}

	s.bus.muted.Store(true)
	say("Ungehört")
	if shows("Ungehört") {
		t.Error("the cached page learned of a change the bus did not carry")
	}
	s.bus.muted.Store(false)
	s.bus.Publish(ctx, parley.Event{Type: parley.EventMissed})
	if !shows("Ungehört") {
		t.Error("the cached page kept its old state after the bus said events were lost")
	}
	live.expect("created", "Ungehört")
}
