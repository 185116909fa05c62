package realtime_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
)

// testHub is a hub and the bus that wakes it. Notify publishes what the
// service publishes after a write: the bus is the hub's only way to hear,
// since it never polls within a test.
type testHub struct {
	*realtime.Hub
	bus *realtime.Bus
}

func newTestHub(t testing.TB, src realtime.Source, render realtime.Render) *testHub {
	t.Helper()
	bus := realtime.NewBus()
	h, err := realtime.New(src, render, bus, slog.New(slog.NewTextHandler(io.Discard, nil)), realtime.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return &testHub{Hub: h, bus: bus}
}

func (h *testHub) Notify(siteID, storyID string) {
	h.bus.Publish(context.Background(), parley.Event{Type: parley.EventCommentCreated, SiteID: siteID, StoryID: storyID})
}
