package parley

import "time"

// CommentIDLength is the length of every comment ID: see ValidCommentID.
const CommentIDLength = 26

// ValidCommentID reports whether s is shaped like a comment ID: exactly 26
// characters of lower-case Crockford base32 (0-9 and a-z without i, l, o,
// u), as NewID makes them. Parley makes every comment ID itself, imported
// comments included (an importer keeps the foreign ID beside the new one),
// so anything else names no comment. Callers treat a malformed ID exactly
// like an unknown one and never send it to the store, where NUL or invalid
// UTF-8 would make a query fail.
func ValidCommentID(s string) bool {
	if len(s) != CommentIDLength {
		return false
	}
	for i := range len(s) {
		if !isIDChar(s[i]) {
			return false
		}
	}
	return true
}

func isIDChar(c byte) bool {
	switch {
	case c >= '0' && c <= '9':
		return true
	case c < 'a' || c > 'z':
		return false
	}
	return c != 'i' && c != 'l' && c != 'o' && c != 'u'
}

// Comment statuses.
const (
	StatusApproved = "approved" // visible to everyone and counted
	StatusPending  = "pending"  // awaiting a moderator; visible to its author only
	StatusRejected = "rejected" // removed by a moderator
	StatusDeleted  = "deleted"  // removed by its author; kept as a placeholder while it has replies
)

// Comment is one post in a story's discussion, at the top level or a reply.
type Comment struct {
	ID       string
	SiteID   string
	StoryID  string
	ParentID string // "" for a top-level comment
	RootID   string // the top-level comment of its thread; its own ID at the top
	Depth    int    // 0 at the top level, parent's depth + 1 for a reply

	AuthorID   string
	AuthorName string
	Body       string // Markdown as the author wrote it (NFC)
	HTML       string // sanitized HTML rendered from Body at write time
	Status     string

	// Author is the author's standing as the service read it for the
	// page (Store.Standings); stores neither keep nor fill it.
	Author Standing

	// Counts are kept by the store in the same transaction as the change.
	ReplyCount    int // direct replies that are Shown
	ReactionCount int
	ReportCount   int

	// Moderation marks, kept by the store (see QueueWriter). Featured is
	// a moderator's pick. Newcomer is set by the service when the author
	// was new on writing it, and cleared when a moderator decides on it;
	// ReportsReviewed is the ReportCount a moderator last saw, so that
	// only reports since put the comment in QueueReported.
	Featured        bool
	Newcomer        bool
	ReportsReviewed int

	// IPHash is the keyed hash of the address the comment came from
	// (see AddressHash), written with it and forgotten after the site's
	// IP retention; never read back into a Comment, never shown.
	IPHash string

	CreatedAt time.Time
	EditedAt  time.Time // zero if never edited
	DeletedAt time.Time // zero unless deleted
}

// AuthorErased reports whether the comment's author erased their account
// and the comment was kept: it then shows as by a deleted user.
func (c *Comment) AuthorErased() bool { return c.AuthorName == "" && c.Status != StatusDeleted }

// Shown reports whether the comment appears in the public thread: approved
// comments do, and deleted ones stay as placeholders while they have replies
// so that the thread keeps its shape.
func (c *Comment) Shown() bool {
	return Shown(c.Status, c.ReplyCount)
}

// Shown reports whether a comment with the given status and number of shown
// replies appears in the public thread. Backends use it to keep ReplyCount.
func Shown(status string, replyCount int) bool {
	return status == StatusApproved || (status == StatusDeleted && replyCount > 0)
}

// Sort orders for the top level of a thread. Replies are always oldest first.
const (
	SortNewest  = "newest"
	SortOldest  = "oldest"
	SortTop     = "top"     // most reactions
	SortReplies = "replies" // most direct replies
)

// ValidSort reports whether s is one of the sort orders.
func ValidSort(s string) bool {
	switch s {
	case SortNewest, SortOldest, SortTop, SortReplies:
		return true
	}
	return false
}

// CommentQuery asks for one page of the shown children of ParentID ("" for
// the top level) in a story, ordered by Sort, strictly after the key After.
type CommentQuery struct {
	SiteID   string
	StoryID  string
	ParentID string
	Sort     string
	After    *Cursor // nil for the first page
	Limit    int
}

// Cursor is the sort key of the last comment of a page. Key is the count the
// page is sorted by (reactions or replies) and is unused for time orders.
// Pagination stays cheap however long the thread: each page starts from an
// index position instead of an offset.
type Cursor struct {
	Key int
	ID  string
}

// CursorOf returns the cursor that continues a page ending with c.
func CursorOf(c *Comment, sort string) *Cursor {
	switch sort {
	case SortTop:
		return &Cursor{Key: c.ReactionCount, ID: c.ID}
	case SortReplies:
		return &Cursor{Key: c.ReplyCount, ID: c.ID}
	}
	return &Cursor{ID: c.ID}
}
