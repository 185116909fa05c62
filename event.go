package parley

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
}
