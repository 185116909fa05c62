package parley

import (
	"context"
	"time"
)

// Inbox kinds: what an InboxItem tells its reader.
const (
	InboxReply      = "reply"       // someone replied to my comment
	InboxStaffReply = "staff_reply" // a member of staff replied to my comment
	InboxApproved   = "approved"    // my comment, held back, was approved
	InboxRejected   = "rejected"    // my comment was rejected (with a statement of reasons)
	InboxFeatured   = "featured"    // my comment was featured
	InboxNotice     = "notice"      // my notice of illegal content was decided
	InboxComplaint  = "complaint"   // my complaint about a decision was decided
	InboxWarned     = "warned"      // a moderator warned me
	InboxSuspended  = "suspended"   // I may not take part until a time
	InboxBanned     = "banned"      // I may not take part any more
)

// InboxKinds lists the kinds in the order the API documents them.
func InboxKinds() []string {
	return []string{InboxReply, InboxStaffReply, InboxApproved, InboxRejected, InboxFeatured,
		InboxNotice, InboxComplaint, InboxWarned, InboxSuspended, InboxBanned}
}

// InboxItem is one notification in a reader's inbox. Followers derive it
// from the event log (replies) or the audit log (decisions), so no action
// has to know that readers are told of it. A reader has at most one item
// per kind, comment and audit entry: deriving an entry again adds nothing.
type InboxItem struct {
	ID        string // NewID of CreatedAt: items page newest first by it
	UserID    string // whom it tells
	SiteID    string
	Kind      string // one of InboxKinds
	StoryID   string // "" when it names no story
	CommentID string // the reply, or my comment decided on; "" for none
	// EntryID is the audit entry it was derived from (0 for a reply):
	// the decision a reader may contest.
	EntryID int64
	// Reason and Note are the entry's: a reject reason, a sanction's
	// message in the moderator's words.
	Reason string
	Note   string
	// Until is the end of a suspension; zero otherwise.
	Until     time.Time
	Read      bool
	CreatedAt time.Time
}

// MaxInboxPage bounds one page of InboxItems; MaxUnread is where the
// unread count stops counting (the bell shows "99+" long before).
const (
	MaxInboxPage = 100
	MaxUnread    = 1000
)

// Inbox holds the writes of readers' inboxes; Tx embeds it.
type Inbox interface {
	// AddInboxItem stores it and reports true, or reports false and
	// stores nothing when the user already has an item of its kind for
	// its comment and entry, or does not exist (an erased reader is told
	// nothing, and the unit goes on).
	AddInboxItem(ctx context.Context, it *InboxItem) (bool, error)
	// MarkInboxRead marks the user's items with the given IDs read (all
	// of them when ids is nil) and returns how many changed; IDs of
	// other users' items change nothing.
	MarkInboxRead(ctx context.Context, userID string, ids []string) (int, error)
}

// InboxReader reads readers' inboxes.
type InboxReader interface {
	// InboxItems returns a page of the user's items, newest first: those
	// with an ID below before ("" for the first page), at most limit.
	// EINVALID for a limit out of 1 to MaxInboxPage.
	InboxItems(ctx context.Context, userID, before string, limit int) ([]*InboxItem, error)
	// UnreadInbox counts the user's unread items, up to MaxUnread.
	UnreadInbox(ctx context.Context, userID string) (int, error)
}
