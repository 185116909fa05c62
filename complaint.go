package parley

import "time"

// Complaint statuses and outcomes (Digital Services Act, Art. 20).
const (
	ComplaintReceived = "received"
	ComplaintDecided  = "decided"

	OutcomeUpheld   = "upheld"   // the decision stands
	OutcomeReversed = "reversed" // the decision is undone
)

// ComplaintWindow is how long after a decision its subject may contest it:
// Art. 20(1) asks for at least six months.
const ComplaintWindow = 183 * 24 * time.Hour

// Complaint is the subject's one complaint against a moderation decision
// (an AuditEntry), reviewed by another moderator than the one who decided.
type Complaint struct {
	Reference string // C-YYYY-XXXXXX
	SiteID    string
	EntryID   int64  // the contested decision's AuditEntry.ID; one complaint each
	Action    string // that entry's Action, so that queues read without the log
	CommentID string // "" for a sanction
	UserID    string // the complainant, the decision's subject
	NoticeRef string // the notice the decision answered, "" for none

	Explanation string
	Lang        string // of the outcome's mail

	Status    string // ComplaintReceived, ComplaintDecided
	Outcome   string // OutcomeUpheld, OutcomeReversed once decided
	Note      string // the reviewer's explanation
	DecidedBy string

	CreatedAt time.Time
	DecidedAt time.Time
}
