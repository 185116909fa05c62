package parley

import (
	"context"
	"time"
)

// LogCursor is where a follower of a log (the event log, the audit log)
// stands, kept in the database so that a restart resumes where the last
// run stopped and several instances share one position. Position is the
// highest ID derived; Missing holds the IDs below it that were not seen
// yet, because PostgreSQL hands out IDs before commit and a lower one can
// become visible after a higher one (see Store.LogEvents).
type LogCursor struct {
	Name     string
	Position int64
	Missing  []Hole
	// Version is 0 for a cursor never stored, and raised by every
	// AdvanceCursor: the compare-and-set that keeps two followers from
	// deriving the same entries twice.
	Version int64
}

// Hole is an ID a follower has not seen below its position, and since when
// it has been waiting for it; a hole that stays longer than its follower
// waits was a rollback.
type Hole struct {
	ID    int64     `json:"id"`
	Since time.Time `json:"since"`
}

// MissingIDs returns the IDs of c's holes, in the order they are kept.
func (c *LogCursor) MissingIDs() []int64 {
	ids := make([]int64, len(c.Missing))
	for i, h := range c.Missing {
		ids[i] = h.ID
	}
	return ids
}

// Cursors keeps the followers' cursors. Tx embeds it, so that a follower
// advances its cursor in the unit that writes what it derived.
type Cursors interface {
	// LogCursor returns the named cursor as stored, or one at Position 0
	// with Version 0 when it was never stored.
	LogCursor(ctx context.Context, name string) (*LogCursor, error)
	// AdvanceCursor stores c's Position and Missing if the stored cursor
	// is still at c.Version, and raises c.Version by one. ECONFLICT when
	// another follower advanced it first (the unit should then be rolled
	// back, and what it derived with it); EINVALID for an empty name or
	// more than MaxMissingEvents holes.
	AdvanceCursor(ctx context.Context, c *LogCursor) error
}

// CheckCursor returns the error AdvanceCursor must return for c before it
// touches the database, nil if c may be stored; both backends call it.
func CheckCursor(c *LogCursor) error {
	switch {
	case c.Name == "" || len(c.Name) > 64:
		return Errorf(EINVALID, "A cursor is named by 1 to 64 characters.")
	case len(c.Missing) > MaxMissingEvents:
		return Errorf(EINVALID, "A cursor keeps at most %d missing IDs.", MaxMissingEvents)
	case c.Position < 0:
		return Errorf(EINVALID, "A cursor's position is not negative.")
	}
	return nil
}
