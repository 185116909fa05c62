package parley

import "time"

// Event types.
const (
	EventCommentCreated = "comment.created"
	EventCommentEdited  = "comment.edited"
	EventCommentDeleted = "comment.deleted"
	EventReaction       = "comment.reaction"
	EventStoryChanged   = "story.changed"
	EventSiteChanged    = "site.changed"
)

// Event says that something readers can see has changed. The service
// publishes it after the change has been committed, so that caches and live
// readers never learn of a change that could still be rolled back.
type Event struct {
	Type      string
	SiteID    string
	StoryID   string // "" for site events
	CommentID string // "" for story and site events
	UserID    string // the user of EventUserChanged; "" otherwise
}

// StoredEvent is one row of a story's event log. The store appends it in the
// same transaction as the change it names, so that a reader who reconnects
// can replay what it missed from the database, after a restart or from
// another instance. It carries no payload: whoever sends it loads the
// comment or story as it is then, which makes every event an idempotent
// state update that may safely be sent twice.
type StoredEvent struct {
	ID        int64 // increasing across the whole log
	SiteID    string
	StoryID   string
	Type      string // EventCommentCreated, EventCommentEdited, EventCommentDeleted, EventReaction or EventStoryChanged
	CommentID string // "" for story events
	CreatedAt time.Time
}

// StatusEvent returns the event type that a change of a comment's status
// from old to status appends to its story's log, or "" when the status stays
// the same. A comment that becomes approved appears in the public thread
// (EventCommentCreated); one that becomes anything else leaves it, or was
// never in it, and live readers drop it (EventCommentDeleted). Both backends
// use it, so that they log the same events.
func StatusEvent(old, status string) string {
	switch {
	case old == status:
		return ""
	case status == StatusApproved:
		return EventCommentCreated
	}
	return EventCommentDeleted
}

// ShownEvent is the event of a comment that enters the public thread
// (shown) or leaves it, as when a reply brings back a deleted placeholder
// or the last reply under one goes.
func ShownEvent(shown bool) string {
	if shown {
		return EventCommentCreated
	}
	return EventCommentDeleted
}
