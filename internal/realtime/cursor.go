package realtime

import (
	"slices"
	"time"
)

// logCursor is a position in the log and the IDs below it not seen yet:
// PostgreSQL hands out IDs before commit, so a lower one may commit after
// a higher one was read. The hub's reader and the NATS bus's fallback
// both follow the log with one.
type logCursor struct {
	last  int64
	holes map[int64]time.Time
}

// advance records that the event id was read.
func (c *logCursor) advance(id int64, now time.Time) {
	if id <= c.last {
		delete(c.holes, id)
		return
	}
	for h := max(c.last+1, id-maxHoles); h < id; h++ {
		c.holes[h] = now
	}
	c.last = id
}

// awaited returns the holes still worth asking for.
func (c *logCursor) awaited(now time.Time) []int64 {
	ids := make([]int64, 0, len(c.holes))
	for id, since := range c.holes {
		if now.Sub(since) > holeWait {
			delete(c.holes, id)
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids[:max(0, len(ids)-maxHoles)] {
		delete(c.holes, id)
	}
	return ids[max(0, len(ids)-maxHoles):]
}
