package parley

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Erase policies: what erasing a reader's account does to their comments.
const (
	// EraseDelete deletes every comment of theirs as if they had deleted
	// it themselves: one with replies stays as the usual placeholder.
	EraseDelete = "delete"
	// EraseAnonymize keeps the texts, which others may have replied to
	// and quoted, and shows their author as a deleted user.
	EraseAnonymize = "anonymize"
)

// DefaultIPRetention is how long a keyed hash of a commenter's address is
// kept with what they wrote: long enough for rate limits and bans to use
// it, short enough that it does not become a record of who wrote what.
const DefaultIPRetention = 30 * 24 * time.Hour

// Privacy is a site's settings about its readers' data.
type Privacy struct {
	// ErasePolicy is EraseDelete or EraseAnonymize; "" reads as
	// EraseDelete (see Policy).
	ErasePolicy string `json:"erasePolicy,omitempty"`
	// IPRetention is how long address hashes are kept; zero reads as
	// DefaultIPRetention (see Retention).
	IPRetention time.Duration `json:"ipRetention,omitempty"`
}

// Policy returns the erase policy, EraseDelete when none was set.
func (p Privacy) Policy() string {
	if p.ErasePolicy == "" {
		return EraseDelete
	}
	return p.ErasePolicy
}

// Retention returns how long address hashes are kept.
func (p Privacy) Retention() time.Duration {
	if p.IPRetention == 0 {
		return DefaultIPRetention
	}
	return p.IPRetention
}

// Validate returns EINVALID unless the settings can be stored.
func (p Privacy) Validate() error {
	switch {
	case p.ErasePolicy != "" && p.ErasePolicy != EraseDelete && p.ErasePolicy != EraseAnonymize:
		return Errorf(EINVALID, "The erase policy must be delete or anonymize.")
	case p.IPRetention != 0 && (p.IPRetention < time.Hour || p.IPRetention > 3*366*24*time.Hour):
		return Errorf(EINVALID, "The IP retention must be between an hour and three years.")
	}
	return nil
}

// NotificationSettings are what a reader asked to be mailed about.
type NotificationSettings struct {
	UserID    string
	SiteID    string
	Replies   bool   // mail me when someone replies to my comments
	Decisions bool   // mail me of moderators' decisions on my comments and account
	Lang      string // the language of the mails, BCP 47
	UpdatedAt time.Time
}

// ReplyNotification is one reply that its parent's author is waiting to
// hear of, or one decision its subject is (Kind); a notifier mails them in
// batches per reader and story.
type ReplyNotification struct {
	ID        string
	SiteID    string
	UserID    string // whom to tell: the parent comment's author
	StoryID   string
	CommentID string // the reply, or the comment decided on ("" for none)
	// Kind is "" for a reply, and the InboxKind of a decision the reader
	// is to hear of by mail (Decisions on); EntryID is then its audit
	// entry, and StoryID is "", so that a reader's decisions batch into
	// one mail whatever the story.
	Kind      string
	EntryID   int64
	CreatedAt time.Time
}

// Identity is a sign-in subject tied to a user (see Tx.CreateIdentity).
type Identity struct {
	Subject   string
	CreatedAt time.Time
}

// Reaction is one reaction a user gave.
type Reaction struct {
	CommentID string
	CreatedAt time.Time
}

// AuthorQuery asks for one page of a user's comments on their site, newest
// first: those with an ID below Before ("" for the first page).
type AuthorQuery struct {
	UserID  string
	Before  string
	Limit   int
	Deleted bool // include deleted comments
}

// Accounts are the store calls of a reader's account as a whole: their
// settings, what Parley holds of them, and erasing it. Tx embeds it.
type Accounts interface {
	// NotificationSettings returns a user's settings; ENOTFOUND when
	// none were ever stored (everything off).
	NotificationSettings(ctx context.Context, userID string) (*NotificationSettings, error)
	// SetNotificationSettings stores a user's settings, replacing the
	// ones before; ENOTFOUND if the user does not exist.
	SetNotificationSettings(ctx context.Context, n *NotificationSettings) error
	// AddReplyNotification stores n if its user has its mails on at this
	// moment (Replies for a reply, Decisions for a decision), and reports
	// whether it did; deciding in the statement keeps
	// a reader who just opted out from a mail about a reply that raced.
	AddReplyNotification(ctx context.Context, n *ReplyNotification) (bool, error)
	// DoneNotifications deletes the notifications leased to owner (see
	// Notifications.ClaimNotifications); ENOTFOUND unless owner holds
	// every one of them, so that a mail is enqueued at most once.
	DoneNotifications(ctx context.Context, owner string, ids []string) error

	// AuthorComments returns one page of q, by an index on author and ID.
	// EINVALID if q.Limit is below 1.
	AuthorComments(ctx context.Context, q AuthorQuery) ([]*Comment, error)
	// AuthorReactions returns every reaction of a user, oldest first.
	AuthorReactions(ctx context.Context, userID string) ([]Reaction, error)
	// AuthorReports returns every report a user filed, oldest first.
	AuthorReports(ctx context.Context, userID string) ([]*Report, error)
	// UserIdentities returns a user's sign-in subjects, oldest first.
	UserIdentities(ctx context.Context, userID string) ([]Identity, error)
	// UserSessions returns a user's sessions, oldest first, expired or not.
	UserSessions(ctx context.Context, userID string) ([]*Session, error)

	// EraseUser removes what identifies a user: their name, e-mail,
	// badges and token hash are cleared (the row stays, for the comments
	// that name it as author), their comments' author names emptied (an
	// EventCommentEdited for each approved one), and their sessions,
	// identities, notification settings, pending notifications and the
	// revisions of their comments (their texts) deleted; the audit log,
	// which holds no comment text, is kept. Reactions and comment statuses are the caller's, through
	// RemoveReaction and SetCommentStatus, whose counts and events they
	// keep. ENOTFOUND if the user does not exist.
	EraseUser(ctx context.Context, userID string, at time.Time) error
	// PurgeAddresses forgets the address hashes of the site's comments
	// and reports written before before, and returns how many it forgot.
	PurgeAddresses(ctx context.Context, siteID string, before time.Time) (int, error)
}

// Notifications is the queue a notifier works from, as Outbox is the
// relay's: safe with several notifiers on one database.
type Notifications interface {
	// ClaimNotifications leases to owner, until now+lease, the pending
	// notifications of at most limit (user, story) batches that are due:
	// whose oldest notification is at least window old and none of which
	// is leased (or the lease ended). A batch is claimed whole, so that
	// its replies go out in one mail.
	ClaimNotifications(ctx context.Context, owner string, now time.Time, lease, window time.Duration, limit int) ([]*ReplyNotification, error)
}

// SortNotifications orders claimed notifications as ClaimNotifications
// returns them: by batch (user, story), then ID, so that a batch's replies
// are next to each other, oldest first (RETURNING gives no order).
func SortNotifications(ns []*ReplyNotification) {
	slices.SortFunc(ns, func(a, b *ReplyNotification) int {
		if c := strings.Compare(a.UserID, b.UserID); c != 0 {
			return c
		}
		if c := strings.Compare(a.StoryID, b.StoryID); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
