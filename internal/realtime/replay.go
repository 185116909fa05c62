package realtime

import (
	"context"
	"fmt"
	"time"
)

const (
	// replayLimit and replayPages bound what one reconnect replays: a
	// reader gone longer than that many events reloads the thread instead.
	replayLimit = 500
	replayPages = 20
)

// Replay hands fn, in order, the rendered events of a story after the event
// ID after, as a reader who reconnects with Last-Event-ID missed them. It
// reads the log, so it covers changes made on any instance and before a
// restart. Subscribe first, then replay, so that nothing falls between the
// two; the stream drops what both deliver.
func (h *Hub) Replay(ctx context.Context, siteID, storyID string, after int64, fn func(Message)) error {
	for range replayPages {
		evs, err := h.src.Events(ctx, siteID, storyID, after, time.Time{}, replayLimit)
		if err != nil {
			return fmt.Errorf("replay events of %s/%s: %w", siteID, storyID, err)
		}
		for _, ev := range evs {
			after = ev.ID
			m, ok, err := h.render(ctx, ev)
			if err != nil {
				return fmt.Errorf("render event %d: %w", ev.ID, err)
			}
			if ok {
				fn(m)
			}
		}
		if len(evs) < replayLimit {
			return nil
		}
	}
	return nil
}
