package parley

import (
	"context"
	"time"
)

// Store keeps Parley's data. Backends store and query; every rule about who
// may do what lives in the service layer above, and what a status change
// does to counts and events is decided by Transition. What backends do keep
// is counts: each method that changes a comment's status, a reaction or a
// report updates the counts it affects in the same transaction, so that a
// count is never computed on read.
//
// Methods return *Error with ENOTFOUND when a named row does not exist and
// ECONFLICT when a row with the same key already does; they never return a
// nil value with a nil error. A write is durable when its method returns nil.
//
// Every write that readers can see appends to its story's event log (see
// StoredEvent) in the same transaction, as each method's comment says; a
// write that fails appends nothing.
//
// The Tx methods called on the Store itself are each a unit of work of
// their own; a use case that writes more than once runs its writes in one
// Update.
type Store interface {
	Tx
	Outbox
	Notifications
	Standings
	RecentBodies
	WordReader
	ApprovedCounter
	AuditReader
	RevisionReader
	QueueReader // the moderators' queues (queue.go)
	NoticeReader
	InboxReader
	DeliveryQueue
	TransferReader // a site's rows, page by page, for an export (transfer.go)

	// Update runs fn as one unit of work: everything fn writes through tx
	// is committed together when fn returns nil, and none of it when fn
	// returns an error or panics. Update returns fn's error unchanged (or
	// an error of its own when the commit fails: EUNAVAILABLE when the
	// database does not answer), and re-panics fn's panic in the caller.
	// tx reads what the unit wrote so far; it must not be used after fn
	// returns, nor from another goroutine. A Tx method that fails may
	// leave the unit unable to write further (PostgreSQL aborts the
	// transaction), so fn should return its error. fn may run while other
	// units wait for it (SQLite commits units in groups on one
	// connection): it does no slow work of its own, only store calls.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// Ping returns an error if the database does not answer.
	Ping(ctx context.Context) error
	// Close releases the database; pending writes finish first.
	Close() error

	// Session returns the session whose Hash is hash, expired or not, and
	// its user; ENOTFOUND.
	Session(ctx context.Context, hash string) (*Session, *User, error)
	// ExtendSession moves a session's ExpiresAt; ENOTFOUND.
	ExtendSession(ctx context.Context, hash string, expires time.Time) error
	// DeleteSession removes a session; removing one that is gone is no
	// error, so that signing out twice succeeds.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions removes every session of a user and returns how
	// many there were.
	DeleteUserSessions(ctx context.Context, userID string) (int, error)

	// PurgeExpired deletes the sessions and used token IDs that expired
	// before now, and returns how many rows went. Neither is read once
	// expired; without a purge both tables would grow with every sign-in.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)

	// Sites returns all sites ordered by ID.
	Sites(ctx context.Context) ([]*Site, error)
	// CommentCounts returns the comment count of each of the named stories
	// that exists; unknown IDs are left out of the map.
	CommentCounts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error)

	// Comments returns one page of the query, Shown comments only.
	Comments(ctx context.Context, q CommentQuery) ([]*Comment, error)
	// Replies returns, for each parent ID, its first perParent Shown direct
	// replies, oldest first, all in one slice ordered by parent then age.
	Replies(ctx context.Context, parentIDs []string, perParent int) ([]*Comment, error)
	// UserComments returns a user's comments on a story that are not
	// deleted, whatever else their status, oldest first, at most limit.
	UserComments(ctx context.Context, siteID, storyID, userID string, limit int) ([]*Comment, error)

	// UserReactions returns the IDs of the comments on a story that the user
	// reacted to.
	UserReactions(ctx context.Context, siteID, storyID, userID string) ([]string, error)

	// Events returns a story's events whose ID is above afterID or whose
	// CreatedAt is at or after since (a zero since adds no time condition),
	// ordered by ID, at most limit; EINVALID if limit is below 1.
	//
	// Why the time condition: PostgreSQL takes an ID from a sequence before
	// the transaction commits, so an event with a lower ID can become
	// visible after one with a higher ID. A reader therefore asks again for
	// a few seconds before the newest CreatedAt it has seen and relies on
	// events being idempotent. CreatedAt comes from the database's clock
	// where it has one, so since should be derived from CreatedAt values,
	// not from the caller's clock.
	Events(ctx context.Context, siteID, storyID string, afterID int64, since time.Time, limit int) ([]StoredEvent, error)
	// Key returns the secret named name: 32 random bytes, made on first use
	// and the same from then on for every instance on this database, so
	// that what one instance signs another can check. Instances asking for
	// a new name at once all get the one key that was stored first.
	Key(ctx context.Context, name string) ([]byte, error)

	// LastEventID returns the highest event ID of a story, 0 if it has no
	// events (or the story does not exist).
	LastEventID(ctx context.Context, siteID, storyID string) (int64, error)

	// LogEvents reads the whole log, every site and story at once: the
	// events whose ID is above afterID, ordered by ID, together with those
	// whose ID is in missing; at most limit in all, by ID; EINVALID if
	// limit is below 1 or missing holds more than MaxMissingEvents IDs.
	// One reader follows every watched story with it, so that the cost of
	// following does not grow with the number of stories.
	//
	// Why missing and not a time overlap as in Events: PostgreSQL hands out
	// IDs before commit, so an event can become visible after one with a
	// higher ID; such a late event was a hole in the IDs the reader saw,
	// and asking for the holes again finds it without reading again every
	// event of the last seconds of every story (thousands under load).
	LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]StoredEvent, error)
	// NewestEventID returns the highest event ID of the whole log, 0 if it
	// is empty: where a reader of the whole log starts.
	NewestEventID(ctx context.Context) (int64, error)
}

// MaxMissingEvents bounds the missing IDs of one LogEvents call.
const MaxMissingEvents = 1000

// CheckLogQuery returns the error LogEvents must return for its arguments,
// nil if they are allowed; both backends call it.
func CheckLogQuery(missing []int64, limit int) error {
	if limit < 1 {
		return Errorf(EINVALID, "A page holds at least one event.")
	}
	if len(missing) > MaxMissingEvents {
		return Errorf(EINVALID, "Ask for at most %d missing events at once.", MaxMissingEvents)
	}
	return nil
}
