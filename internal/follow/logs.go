package follow

import (
	"context"

	"parley"
)

// Cursor names of the two logs.
const (
	EventCursor = "follow.events"
	AuditCursor = "follow.audit"
)

// EventSource is the event log as a follower reads it.
type EventSource interface {
	LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]parley.StoredEvent, error)
	NewestEventID(ctx context.Context) (int64, error)
}

// AuditSource is the audit log as a follower reads it.
type AuditSource interface {
	AuditAfter(ctx context.Context, afterID int64, missing []int64, limit int) ([]*parley.AuditEntry, error)
}

// EventLog is the event log, followed from its newest event on first start
// (it is older than its follower), deriving with d.
func EventLog(src EventSource, d *Deriver) *Log {
	return &Log{
		Name:  EventCursor,
		Start: src.NewestEventID,
		Read: func(ctx context.Context, after int64, missing []int64, limit int) ([]Entry, error) {
			evs, err := src.LogEvents(ctx, after, missing, limit)
			out := make([]Entry, len(evs))
			for i := range evs {
				out[i] = Entry{ID: evs[i].ID, Event: &evs[i]}
			}
			return out, err
		},
		Derive: func(ctx context.Context, tx parley.Tx, e Entry) error { return d.Event(ctx, tx, e.Event) },
	}
}

// AuditLog is the audit log, followed from its first entry (it was made
// together with its followers), deriving with d.
func AuditLog(src AuditSource, d *Deriver) *Log {
	return &Log{
		Name: AuditCursor,
		Read: func(ctx context.Context, after int64, missing []int64, limit int) ([]Entry, error) {
			es, err := src.AuditAfter(ctx, after, missing, limit)
			out := make([]Entry, len(es))
			for i, e := range es {
				out[i] = Entry{ID: e.ID, Audit: e}
			}
			return out, err
		},
		Derive: func(ctx context.Context, tx parley.Tx, e Entry) error { return d.Audit(ctx, tx, e.Audit) },
	}
}
