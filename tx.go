package parley

import (
	"context"
	"time"
)

// Tx holds the writes of the Store, and the reads a use case needs between
// them, as one unit of work sees them (see Store.Update): a read returns
// what the unit has written so far. The Store has the same methods, each a
// unit of its own.
type Tx interface {
	PasskeyStore
	OIDCFlows
	TransferWriter // rows as they were, for an import (transfer.go)

	SignIns       // sign-in links and codes (signin.go)
	WordStore     // sites' word lists (words.go)
	AuditLog      // the audit log, written in the unit of the action (audit.go)
	Revisions     // comments' texts and their verdicts (verdict.go)
	QueueWriter   // moderators' marks on comments (queue.go)
	SanctionStore // moderators' measures and notes on users (sanction.go)
	Notices       // notices of illegal content and complaints (notice.go)
	Cursors       // followers' positions in the logs (cursor.go)
	Inbox         // readers' notifications (inbox.go)
	Webhooks      // endpoints and their deliveries (webhook.go)

	Accounts
	// CreateSite stores a new site; ECONFLICT if the ID is taken.
	CreateSite(ctx context.Context, s *Site) error
	// UpdateSite replaces a site's name, origins and settings; ENOTFOUND.
	UpdateSite(ctx context.Context, s *Site) error
	// Site returns a site by ID; ENOTFOUND.
	Site(ctx context.Context, id string) (*Site, error)

	// EnsureStory stores st unless a story with its site and ID exists, and
	// returns the stored story either way (the existing one unchanged).
	EnsureStory(ctx context.Context, st *Story) (*Story, error)
	// Story returns a story; ENOTFOUND.
	Story(ctx context.Context, siteID, id string) (*Story, error)
	// UpdateStory replaces a story's URL, title, language, status and
	// pre-moderation override and appends EventStoryChanged; ENOTFOUND.
	UpdateStory(ctx context.Context, st *Story) error

	// CreateUser stores a new user; ECONFLICT if the ID or token hash is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns a user by ID; ENOTFOUND.
	User(ctx context.Context, id string) (*User, error)
	// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND.
	UserByTokenHash(ctx context.Context, hash string) (*User, error)
	// UpdateUser replaces a user's name, e-mail, badges and role; ENOTFOUND.
	UpdateUser(ctx context.Context, u *User) error

	// IdentityUser returns the user that a sign-in subject of the site
	// (such as "sso:" and the publisher's sub) belongs to; ENOTFOUND.
	IdentityUser(ctx context.Context, siteID, subject string) (*User, error)
	// CreateIdentity ties a subject of the site to a user for good;
	// ECONFLICT if the subject already has one.
	CreateIdentity(ctx context.Context, siteID, subject, userID string, at time.Time) error
	// UseTokenID records that a token with ID jti was used on the site,
	// remembered until expires; ECONFLICT if it was recorded before and
	// that record has not expired at now. It is in the database, not in
	// memory, so that a token replayed to another instance is refused too.
	UseTokenID(ctx context.Context, siteID, jti string, expires, now time.Time) error
	// CreateSession stores a session; ECONFLICT if its hash is taken,
	// ENOTFOUND if its user does not exist.
	CreateSession(ctx context.Context, s *Session) error

	// CreateComment stores c, whose story exists and whose parent, if any,
	// is in the same story, with the effects of Transition("", c.Status, 0):
	// the story's CommentCount, the parent's ReplyCount, EventCommentCreated
	// whatever the status (the live stream decides whom to show it), and
	// Ripple up the ancestry (EventCommentCreated for every deleted
	// ancestor the reply brings back into the thread). ECONFLICT if the ID
	// is taken; ENOTFOUND if the story or parent does not exist.
	CreateComment(ctx context.Context, c *Comment) error
	// Comment returns a comment by ID, whatever its status; ENOTFOUND.
	Comment(ctx context.Context, id string) (*Comment, error)
	// EditComment replaces a comment's Body and HTML, sets EditedAt and
	// appends EventCommentEdited; ENOTFOUND.
	EditComment(ctx context.Context, id, body, html string, at time.Time) error
	// SetCommentStatus changes a comment's status and applies the Effects
	// of Transition(old, status, ReplyCount): the story's CommentCount,
	// the comment's event, Body and HTML emptied and DeletedAt set to at
	// when Clear, and the parent's ReplyCount, carried up the ancestry by
	// Ripple with an event for every placeholder that the change hides or
	// brings back. EINVALID if status is not ValidStatus; ENOTFOUND.
	SetCommentStatus(ctx context.Context, id, status string, at time.Time) error

	// AddReaction records the user's reaction to a comment and raises its
	// ReactionCount and appends EventReaction; it returns false and changes
	// and appends nothing if the reaction already exists. ENOTFOUND if the
	// comment does not exist.
	AddReaction(ctx context.Context, commentID, userID string, at time.Time) (bool, error)
	// RemoveReaction deletes the reaction, lowers ReactionCount and appends
	// EventReaction; it returns false and changes and appends nothing if
	// there was none.
	RemoveReaction(ctx context.Context, commentID, userID string) (bool, error)

	// CreateReport stores a report and raises the comment's ReportCount;
	// ECONFLICT if the user already reported the comment; ENOTFOUND if the
	// comment does not exist.
	CreateReport(ctx context.Context, r *Report) error

	// EnqueueMessage stores m in the outbox, to be sent after the unit
	// commits (and never if it does not). EINVALID unless m.Validate();
	// ECONFLICT if the ID is taken.
	EnqueueMessage(ctx context.Context, m *Message) error
}
