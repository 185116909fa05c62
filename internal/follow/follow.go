// Package follow derives work from Parley's two logs: readers' inbox items
// and webhook deliveries from the event log (what readers see change) and
// the audit log (what moderators and the pipeline decided). No action has
// to know that it is followed; each writes its log entry in its own unit
// of work, and the follower reads the logs after them.
//
// The model: a Follower keeps one cursor per log in the database. Each
// step reads the entries after the cursor (and the holes below it: IDs
// PostgreSQL handed out before commit that were not visible yet), and
// writes what they call for in ONE unit together with the cursor's
// advance, which is a compare-and-set on the cursor's version. A crash
// before the commit leaves the entries to be read again; a crash after
// leaves nothing to do; two instances that read the same entries both try
// to advance from the same version, and the second's unit fails and rolls
// back what it derived. An entry is thus derived exactly once. Derived
// rows are idempotent besides (an inbox item or a delivery is stored once
// per key), so a cursor reset by hand derives nothing twice either.
package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"parley"
)

const (
	// holeWait is how long a follower waits for an ID it has not seen
	// below one it has, as the live reader does (internal/realtime): a
	// hole that stays longer was a rollback.
	holeWait = 10 * time.Second
	// maxHoles bounds the holes one cursor keeps; a larger jump keeps its
	// highest IDs.
	maxHoles = 256
	// deriveTries is how often an entry may fail to derive alone before it
	// is skipped (and logged), so that one bad entry cannot stop a log.
	deriveTries = 3
)

// Store is what a Follower needs of the store.
type Store interface {
	Update(ctx context.Context, fn func(tx parley.Tx) error) error
	LogCursor(ctx context.Context, name string) (*parley.LogCursor, error)
}

// Entry is one entry of a followed log: an event or an audit entry.
type Entry struct {
	ID    int64
	Event *parley.StoredEvent // set for the event log
	Audit *parley.AuditEntry  // set for the audit log
}

// Log is one log a Follower follows.
type Log struct {
	// Name is the cursor's name.
	Name string
	// Read returns the entries above after and those in missing, by ID,
	// at most limit (the contract of Store.LogEvents and AuditAfter).
	Read func(ctx context.Context, after int64, missing []int64, limit int) ([]Entry, error)
	// Start returns where a cursor that was never stored begins: the
	// newest ID of a log that existed before its follower did, so that
	// an upgrade does not notify readers of years of old replies.
	Start func(ctx context.Context) (int64, error)
	// Derive writes in tx what one entry calls for.
	Derive func(ctx context.Context, tx parley.Tx, e Entry) error
}

// Options configure a Follower; zero values take the defaults.
type Options struct {
	Poll time.Duration // how often Run reads the logs unwoken; default 2s
	// Gap is the least time between two reads that a wake-up starts;
	// default 250ms. Under load the bus wakes the follower for every
	// committed change: without a gap it would derive one entry a unit and
	// take as many turns of the SQLite writer as the posts it follows,
	// where a gap lets a turn derive a batch. A full batch goes on at once.
	Gap    time.Duration
	Batch  int              // entries read and derived in one unit; default 100
	Clock  func() time.Time // how long holes are awaited; default time.Now
	Logger *slog.Logger     // default slog.Default()
	// Derived, if set, is called after a unit committed derived work
	// (the webhook relay's Wake).
	Derived func()
}

// Follower follows logs and derives their work.
type Follower struct {
	store  Store
	logs   []*Log
	o      Options
	wake   chan struct{}
	failed map[string]map[int64]int // per log, failed derivations of an entry alone
}

// New returns a Follower of logs over store.
func New(store Store, o Options, logs ...*Log) *Follower {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Gap <= 0 {
		o.Gap = 250 * time.Millisecond
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	f := &Follower{store: store, logs: logs, o: o, wake: make(chan struct{}, 1), failed: map[string]map[int64]int{}}
	for _, l := range logs {
		f.failed[l.Name] = map[int64]int{}
	}
	return f
}

// Wake makes Run read the logs now rather than at its next poll; a bus
// subscription calls it. It never blocks.
func (f *Follower) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// stepTimeout bounds a batch that Run has begun: a stop does not cut it
// short, a database that stopped answering does.
const stepTimeout = 30 * time.Second

// Run follows the logs until ctx ends. A batch begun when ctx ends is
// finished first (its derivations commit together), so that stopping
// neither throws away work a moment from done nor depends on where in a
// batch the signal fell.
func (f *Follower) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.wake:
			if !pause(ctx, f.o.Gap-time.Since(last)) {
				return
			}
		}
		last = time.Now()
		more := false
		for _, l := range f.logs {
			if ctx.Err() != nil {
				return
			}
			m, err := f.step(ctx, l)
			if err != nil {
				f.o.Logger.WarnContext(ctx, "follow: reading a log", "log", l.Name, "err", err)
			}
			more = more || m
		}
		next := f.o.Poll
		if more {
			next = 0
		}
		t.Reset(next)
	}
}

// step is Step on a context that ctx ending does not cancel.
func (f *Follower) step(ctx context.Context, l *Log) (bool, error) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
	defer cancel()
	return f.Step(work, l)
}

// pause waits d (nothing for d <= 0) and reports whether ctx is still
// live.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// RunOnce steps every log until each has nothing more to read; tests and
// a command that drains the logs use it.
func (f *Follower) RunOnce(ctx context.Context) error {
	for _, l := range f.logs {
		for {
			more, err := f.Step(ctx, l)
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	return nil
}

// Step reads one batch of l and derives it; it reports whether there may
// be more to read at once (a full batch, or a race lost to another
// follower).
func (f *Follower) Step(ctx context.Context, l *Log) (more bool, err error) {
	c, err := f.store.LogCursor(ctx, l.Name)
	if err != nil {
		return false, fmt.Errorf("follow: cursor %s: %w", l.Name, err)
	}
	now := f.o.Clock()
	if c.Version == 0 && l.Start != nil {
		if c.Position, err = l.Start(ctx); err != nil {
			return false, fmt.Errorf("follow: start of %s: %w", l.Name, err)
		}
	}
	c.Missing = awaited(c.Missing, now)
	entries, err := l.Read(ctx, c.Position, c.MissingIDs(), f.o.Batch)
	if err != nil {
		return false, fmt.Errorf("follow: read %s: %w", l.Name, err)
	}
	if len(entries) == 0 && c.Version != 0 {
		return false, nil
	}
	err = f.apply(ctx, l, c, entries, now, nil)
	switch {
	case err == nil:
		return len(entries) == f.o.Batch, nil
	case errors.Is(err, errRaced):
		return true, nil // another follower derived them; read from its cursor
	}
	f.o.Logger.WarnContext(ctx, "follow: a batch failed; deriving its entries one by one", "log", l.Name, "err", err)
	return f.oneByOne(ctx, l, c, entries, now)
}

// oneByOne derives entries each in a unit of its own, after their batch
// failed, so that the entry at fault is found: it is retried on later
// steps and skipped after deriveTries failures.
func (f *Follower) oneByOne(ctx context.Context, l *Log, c *parley.LogCursor, entries []Entry, now time.Time) (bool, error) {
	failed := f.failed[l.Name]
	for _, e := range entries {
		err := f.apply(ctx, l, c, []Entry{e}, now, nil)
		if err == nil {
			delete(failed, e.ID)
			continue
		}
		if errors.Is(err, errRaced) {
			return true, nil
		}
		if failed[e.ID]++; failed[e.ID] < deriveTries {
			return false, fmt.Errorf("follow: %s entry %d: %w", l.Name, e.ID, err)
		}
		f.o.Logger.ErrorContext(ctx, "follow: giving up on an entry", "log", l.Name, "id", e.ID, "tries", deriveTries, "err", err)
		if err := f.apply(ctx, l, c, []Entry{e}, now, map[int64]bool{e.ID: true}); err != nil {
			return false, fmt.Errorf("follow: skip %s entry %d: %w", l.Name, e.ID, err)
		}
		delete(failed, e.ID)
	}
	return false, nil
}

// apply advances c past entries and derives each (but those in skip) in
// one unit. The advance comes first, so that on PostgreSQL a second
// follower waits on the cursor's row and fails before it derives
// anything. On success c holds the stored cursor.
func (f *Follower) apply(ctx context.Context, l *Log, c *parley.LogCursor, entries []Entry, now time.Time, skip map[int64]bool) error {
	next := advance(c, entries, now)
	derived := false
	err := f.store.Update(ctx, func(tx parley.Tx) error {
		n := *next
		if err := tx.AdvanceCursor(ctx, &n); parley.ErrorCode(err) == parley.ECONFLICT {
			return fmt.Errorf("%w: %w", errRaced, err)
		} else if err != nil {
			return err
		}
		for _, e := range entries {
			if skip[e.ID] {
				continue
			}
			if err := l.Derive(ctx, tx, e); err != nil {
				return fmt.Errorf("derive %s entry %d: %w", l.Name, e.ID, err)
			}
		}
		next.Version, derived = n.Version, len(entries) > 0
		return nil
	})
	if err != nil {
		return err
	}
	*c = *next
	if derived && f.o.Derived != nil {
		f.o.Derived()
	}
	return nil
}

// errRaced says that another follower advanced the cursor first: what it
// derived stands, and ours was rolled back. Only the cursor's conflict is
// such a race; a conflict of a derived row is a failure like any other.
var errRaced = errors.New("follow: another follower advanced the cursor first")

// advance returns the cursor after entries (ordered by ID): the highest ID
// as its position, the holes it leaves behind, and the holes it filled
// gone.
func advance(c *parley.LogCursor, entries []Entry, now time.Time) *parley.LogCursor {
	next := &parley.LogCursor{Name: c.Name, Position: c.Position, Version: c.Version}
	filled := map[int64]bool{}
	var holes []parley.Hole
	for _, e := range entries {
		if e.ID <= c.Position {
			filled[e.ID] = true
			continue
		}
		for id := max(next.Position+1, e.ID-maxHoles); id < e.ID; id++ {
			holes = append(holes, parley.Hole{ID: id, Since: now})
		}
		next.Position = e.ID
	}
	for _, h := range c.Missing {
		if !filled[h.ID] {
			next.Missing = append(next.Missing, h)
		}
	}
	next.Missing = append(next.Missing, holes...)
	if over := len(next.Missing) - maxHoles; over > 0 {
		next.Missing = next.Missing[over:] // the oldest IDs go first
	}
	return next
}

// awaited returns the holes still worth asking for.
func awaited(holes []parley.Hole, now time.Time) []parley.Hole {
	return slices.DeleteFunc(slices.Clone(holes), func(h parley.Hole) bool { return now.Sub(h.Since) > holeWait })
}
