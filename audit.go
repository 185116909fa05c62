package parley

import (
	"context"
	"time"
)

// Audit actions: what an AuditEntry records. Comment actions name the
// comment, user actions the user acted on, story actions the story. The
// names double as the event names of webhooks, so that a delivery says in
// the publisher's terms what the log says in ours.
const (
	AuditApproved   = "comment.approved"
	AuditRejected   = "comment.rejected"
	AuditHeld       = "comment.held" // sent to the queue by the pipeline or a moderator
	AuditFeatured   = "comment.featured"
	AuditUnfeatured = "comment.unfeatured"
	AuditReported   = "comment.reported"

	AuditWarned     = "user.warned"
	AuditSuspended  = "user.suspended"
	AuditBanned     = "user.banned"
	AuditReinstated = "user.reinstated" // suspension or ban lifted
	AuditNoted      = "user.noted"      // a moderator's note on a user

	AuditStoryClosed   = "story.closed"
	AuditStoryReopened = "story.reopened"

	AuditNoticeCreated    = "notice.created"
	AuditNoticeDecided    = "notice.decided"
	AuditComplaintCreated = "complaint.created"
	AuditComplaintDecided = "complaint.decided"

	AuditWordsChanged    = "words.changed"
	AuditSettingsChanged = "site.settings"
)

// Reject reasons: the fixed list a moderator (or the pipeline) picks from
// when a comment is rejected. Each doubles as the ground of the statement
// of reasons its author receives (Digital Services Act, Art. 17), so the
// list is closed: free text goes in the note beside ReasonOther. The
// report reasons (reaction.go) are its first part.
const (
	ReasonHate           = "hate_speech"
	ReasonHarassment     = "harassment"
	ReasonMisinformation = "misinformation"
	ReasonIllegal        = "illegal"
)

// RejectReasons lists the reject reasons in the order a moderator sees them.
func RejectReasons() []string {
	return []string{ReasonSpam, ReasonAbuse, ReasonHate, ReasonHarassment, ReasonOffTopic, ReasonMisinformation, ReasonIllegal, ReasonOther}
}

// ValidRejectReason reports whether r is one of RejectReasons.
func ValidRejectReason(r string) bool {
	switch r {
	case ReasonSpam, ReasonAbuse, ReasonHate, ReasonHarassment, ReasonOffTopic, ReasonMisinformation, ReasonIllegal, ReasonOther:
		return true
	}
	return false
}

// AuditEntry is one row of a site's audit log: who did what to which
// comment, user or story, when, why, and what it was before and after. It
// is written in the same unit of work as the action it records, so that
// the log never misses an action nor names one that was rolled back, and
// it is never changed afterwards. Followers of the log (webhooks, reader
// notifications, statements of reasons) derive their work from it.
type AuditEntry struct {
	ID     int64 // increasing across the whole log; set by AppendAudit
	SiteID string
	Action string // one of the Audit* constants

	StoryID   string // "" when the action names no story
	CommentID string // "" when it names no comment
	UserID    string // the user acted on (a comment action: its author); "" for none
	ActorID   string // who acted; "" for Parley itself (the pipeline, a scorer)

	// Automated is true when no human decided: the pipeline's word lists,
	// rules and scorers. Transparency reports count the two apart.
	Automated bool
	// Reason is a reject reason (RejectReasons) or another action's
	// machine-readable ground; Note is the human text beside it (a
	// moderator's free text, the message shown to a sanctioned user).
	Reason string
	Note   string
	// Before and After are the state the action changed, as short text
	// (a comment's status, a suspension's end); "" where there is none.
	Before string
	After  string
	// Ref names a related record: a notice's or complaint's reference, or
	// the ID of the entry a complaint contests.
	Ref string

	CreatedAt time.Time
}

// MaxAuditPage bounds one page of Audit and AuditLog.
const MaxAuditPage = 1000

// AuditQuery asks for a page of a site's audit log, newest first. Empty
// fields do not filter.
type AuditQuery struct {
	SiteID    string // required
	StoryID   string
	CommentID string
	UserID    string
	ActorID   string
	Action    string
	// Text finds entries whose Reason or Note contains it (case-insensitive
	// on ASCII letters; no pattern syntax: % and _ match themselves).
	Text     string
	From, To time.Time // CreatedAt in [From, To); zero for no bound
	BeforeID int64     // entries with a lower ID only; 0 for the newest page
	Limit    int       // 1 to MaxAuditPage
}

// AuditLog keeps the audit log. AppendAudit is a Tx method, written in the
// unit of the action; the reads are the Store's.
type AuditLog interface {
	// AppendAudit stores e and sets its ID (and its CreatedAt when zero);
	// EINVALID if SiteID or Action is empty.
	AppendAudit(ctx context.Context, e *AuditEntry) error
}

// AuditReader reads the audit log.
type AuditReader interface {
	// Audit returns one page of q, newest first; EINVALID for a Limit out
	// of range or an empty SiteID.
	Audit(ctx context.Context, q AuditQuery) ([]*AuditEntry, error)
	// AuditAfter reads the whole log, every site at once, for followers:
	// the entries whose ID is above afterID, together with those whose ID
	// is in missing, ordered by ID, at most limit (the same contract, and
	// for the same reason, as LogEvents).
	AuditAfter(ctx context.Context, afterID int64, missing []int64, limit int) ([]*AuditEntry, error)
}

// CheckAuditQuery returns the error Audit must return for q, nil if it is
// allowed; both backends call it.
func CheckAuditQuery(q AuditQuery) error {
	if q.SiteID == "" {
		return Errorf(EINVALID, "The audit log is read one site at a time.")
	}
	if q.Limit < 1 || q.Limit > MaxAuditPage {
		return Errorf(EINVALID, "A page of the audit log holds 1 to %d entries.", MaxAuditPage)
	}
	return nil
}

// CheckAuditEntry returns the error AppendAudit must return for e, nil if
// it may be stored; both backends call it.
func CheckAuditEntry(e *AuditEntry) error {
	if e.SiteID == "" || e.Action == "" {
		return Errorf(EINVALID, "An audit entry names its site and action.")
	}
	return nil
}
