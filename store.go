package parley

import (
	"context"
	"time"
)

// Store keeps Parley's data. Backends store and query; every rule about who
// may do what lives in the service layer above. What backends do keep is
// counts: each method that changes a comment's status, a reaction or a report
// updates the counts it affects in the same transaction, so that a count is
// never computed on read.
//
// Methods return *Error with ENOTFOUND when a named row does not exist and
// ECONFLICT when a row with the same key already does; they never return a
// nil value with a nil error. A write is durable when its method returns nil.
//
// Every write that readers can see appends to its story's event log (see
// StoredEvent) in the same transaction, as each method's comment says; a
// write that fails appends nothing.
type Store interface {
	// Ping returns an error if the database does not answer.
	Ping(ctx context.Context) error
	// Close releases the database; pending writes finish first.
	Close() error

	// CreateSite stores a new site; ECONFLICT if the ID is taken.
	CreateSite(ctx context.Context, s *Site) error
	// UpdateSite replaces a site's name, origins and settings; ENOTFOUND.
	UpdateSite(ctx context.Context, s *Site) error
	// Site returns a site by ID; ENOTFOUND.
	Site(ctx context.Context, id string) (*Site, error)
	// Sites returns all sites ordered by ID.
	Sites(ctx context.Context) ([]*Site, error)

	// EnsureStory stores st unless a story with its site and ID exists, and
	// returns the stored story either way (the existing one unchanged).
	EnsureStory(ctx context.Context, st *Story) (*Story, error)
	// Story returns a story; ENOTFOUND.
	Story(ctx context.Context, siteID, id string) (*Story, error)
	// UpdateStory replaces a story's URL, title, language and status and
	// appends EventStoryChanged; ENOTFOUND.
	UpdateStory(ctx context.Context, st *Story) error
	// CommentCounts returns the comment count of each of the named stories
	// that exists; unknown IDs are left out of the map.
	CommentCounts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error)

	// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns a user by ID; ENOTFOUND.
	User(ctx context.Context, id string) (*User, error)
	// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND.
	UserByTokenHash(ctx context.Context, hash string) (*User, error)

	// CreateComment stores c, whose story exists and whose parent, if any,
	// is in the same story. If c is approved, the story's CommentCount goes
	// up; if c is Shown, its parent's ReplyCount goes up. It appends
	// EventCommentCreated whatever the status (the live stream decides whom
	// to show it), and EventCommentCreated for every deleted ancestor that
	// the reply brings back into the thread. ECONFLICT if the ID is taken;
	// ENOTFOUND if the story or parent does not exist.
	CreateComment(ctx context.Context, c *Comment) error
	// Comment returns a comment by ID, whatever its status; ENOTFOUND.
	Comment(ctx context.Context, id string) (*Comment, error)
	// EditComment replaces a comment's Body and HTML, sets EditedAt and
	// appends EventCommentEdited; ENOTFOUND.
	EditComment(ctx context.Context, id, body, html string, at time.Time) error
	// SetCommentStatus changes a comment's status and adjusts the story's
	// CommentCount and the ReplyCount of its ancestors for every comment
	// whose Shown state changes. Moving to StatusDeleted also empties Body
	// and HTML and sets DeletedAt to at. It appends the event StatusEvent
	// names (EventCommentCreated when the comment becomes approved,
	// EventCommentDeleted when it becomes anything else, nothing when the
	// status stays the same) and, for every deleted ancestor placeholder
	// that the change hides or brings back, EventCommentDeleted or
	// EventCommentCreated for that ancestor. ENOTFOUND.
	SetCommentStatus(ctx context.Context, id, status string, at time.Time) error
	// Comments returns one page of the query, Shown comments only.
	Comments(ctx context.Context, q CommentQuery) ([]*Comment, error)
	// Replies returns, for each parent ID, its first perParent Shown direct
	// replies, oldest first, all in one slice ordered by parent then age.
	Replies(ctx context.Context, parentIDs []string, perParent int) ([]*Comment, error)
	// UserComments returns a user's comments on a story that are not
	// deleted, whatever else their status, oldest first, at most limit.
	UserComments(ctx context.Context, siteID, storyID, userID string, limit int) ([]*Comment, error)

	// AddReaction records the user's reaction to a comment and raises its
	// ReactionCount and appends EventReaction; it returns false and changes
	// and appends nothing if the reaction already exists. ENOTFOUND if the
	// comment does not exist.
	AddReaction(ctx context.Context, commentID, userID string, at time.Time) (bool, error)
	// RemoveReaction deletes the reaction, lowers ReactionCount and appends
	// EventReaction; it returns false and changes and appends nothing if
	// there was none.
	RemoveReaction(ctx context.Context, commentID, userID string) (bool, error)
	// UserReactions returns the IDs of the comments on a story that the user
	// reacted to.
	UserReactions(ctx context.Context, siteID, storyID, userID string) ([]string, error)

	// CreateReport stores a report and raises the comment's ReportCount;
	// ECONFLICT if the user already reported the comment; ENOTFOUND if the
	// comment does not exist.
	CreateReport(ctx context.Context, r *Report) error

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
