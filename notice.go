package parley

import (
	"context"
	"crypto/rand"
	"time"
)

// Kinds of illegality a notice names (Digital Services Act, Art. 16): the
// fixed list a reader picks from, with Notice.Law for the provision.
const (
	NoticeHate         = "illegal_hate_speech"
	NoticeDefamation   = "defamation"
	NoticeTerrorism    = "terrorist_content"
	NoticeCSAM         = "child_sexual_abuse"
	NoticePrivacy      = "privacy"
	NoticeIntellectual = "intellectual_property"
	NoticeFraud        = "fraud"
	NoticeOtherIllegal = "other"
)

// NoticeKinds lists the kinds in the order a reader sees them.
func NoticeKinds() []string {
	return []string{NoticeHate, NoticeDefamation, NoticeTerrorism, NoticeCSAM, NoticePrivacy, NoticeIntellectual, NoticeFraud, NoticeOtherIllegal}
}

// ValidNoticeKind reports whether k is one of NoticeKinds.
func ValidNoticeKind(k string) bool {
	for _, v := range NoticeKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// NoticeNeedsContact reports whether a notice of kind k must give the
// notifier's name and e-mail. Art. 16(2)(c) requires them except for the
// offences of Directive 2011/93/EU (child sexual abuse), which may be
// reported anonymously; the other kinds name someone to answer.
func NoticeNeedsContact(k string) bool { return k != NoticeCSAM }

// Notice statuses: a notice is received, taken into review by a
// moderator, and decided once.
const (
	NoticeReceived = "received"
	NoticeInReview = "in_review"
	NoticeDecided  = "decided"
)

// Actions a notice's decision takes on the comment.
const (
	ActionRemove   = "remove"    // the comment is rejected
	ActionRestrict = "restrict"  // the comment is withheld from the public thread, kept for review
	ActionNone     = "no_action" // the comment stays
)

// Grounds of a decision: a provision of law, or the site's terms with one
// of RejectReasons.
const (
	GroundLaw   = "law"
	GroundTerms = "terms"
)

// Notice is a reader's notice of illegal content on a comment. Name and
// Email are the notifier's, kept to tell them the outcome, and emptied by
// ForgetNotifiers once that is done and the time to contest has passed.
type Notice struct {
	Reference string // N-YYYY-XXXXXX, the notifier's receipt
	SiteID    string
	CommentID string
	StoryID   string
	UserID    string // the notifier's user when signed in; "" for a guest

	Kind        string // NoticeKinds
	Law         string // the provision the notifier names; may be ""
	Explanation string
	Name        string
	Email       string
	Lang        string // of the mails to the notifier

	Status     string // NoticeReceived, NoticeInReview, NoticeDecided
	Action     string // ActionRemove, ActionRestrict, ActionNone once decided
	Ground     string // GroundLaw or GroundTerms once decided
	Basis      string // the provision (law) or reject reason (terms)
	Note       string // the moderator's explanation, part of the statement of reasons
	Automated  bool   // decided without a human
	DecidedBy  string
	ReviewedBy string

	CreatedAt time.Time
	DecidedAt time.Time // zero until decided
}

// MaxNoticePage bounds one page of Notices and Complaints.
const MaxNoticePage = 100

// NoticeQuery asks for a page of a site's notices, oldest first (the order
// they are due in), after the cursor's notice.
type NoticeQuery struct {
	SiteID string // required
	Status string // "" for every status
	// AfterTime and AfterRef are the last notice of the previous page;
	// zero for the first page.
	AfterTime time.Time
	AfterRef  string
	// From and To bound CreatedAt to [From, To); zero for no bound.
	From, To time.Time
	Limit    int // 1 to MaxNoticePage
}

// Notices keeps notices and complaints; the methods are the Tx's, so that
// a decision changes its notice in the unit that rejects the comment and
// writes the audit entry.
type Notices interface {
	// CreateNotice stores n; ECONFLICT if its reference is taken,
	// ENOTFOUND if its site or comment does not exist.
	CreateNotice(ctx context.Context, n *Notice) error
	// Notice returns a site's notice by reference; ENOTFOUND.
	Notice(ctx context.Context, siteID, reference string) (*Notice, error)
	// UpdateNotice replaces n's status, decision and reviewer if its
	// stored status is still from; ECONFLICT when it is not (another
	// moderator got there first), ENOTFOUND.
	UpdateNotice(ctx context.Context, n *Notice, from string) error

	// CreateComplaint stores c; ECONFLICT if its reference is taken or the
	// decision it contests already has a complaint.
	CreateComplaint(ctx context.Context, c *Complaint) error
	// Complaint returns a site's complaint by reference; ENOTFOUND.
	Complaint(ctx context.Context, siteID, reference string) (*Complaint, error)
	// UpdateComplaint replaces c's status and outcome if its stored
	// status is still from; ECONFLICT when it is not, ENOTFOUND.
	UpdateComplaint(ctx context.Context, c *Complaint, from string) error
}

// NoticeReader reads notices and complaints.
type NoticeReader interface {
	// NoticePage returns one page of q; EINVALID for an empty SiteID or
	// a Limit out of range.
	NoticePage(ctx context.Context, q NoticeQuery) ([]*Notice, error)
	// ComplaintPage returns one page of q (its Status a complaint status);
	// EINVALID as NoticePage.
	ComplaintPage(ctx context.Context, q NoticeQuery) ([]*Complaint, error)
	// ForgetNotifiers empties the name and e-mail of the notices decided
	// before before, and returns how many it changed: a notifier's
	// address is kept to tell them the outcome, not for good.
	ForgetNotifiers(ctx context.Context, before time.Time) (int, error)
}

// CheckNoticeQuery returns the error NoticePage and ComplaintPage must
// return for q, nil if it is allowed; both backends call it.
func CheckNoticeQuery(q NoticeQuery) error {
	if q.SiteID == "" {
		return Errorf(EINVALID, "A notice query names its site.")
	}
	if q.Limit < 1 || q.Limit > MaxNoticePage {
		return Errorf(EINVALID, "A page holds 1 to %d notices.", MaxNoticePage)
	}
	return nil
}

// referenceAlphabet leaves out the letters and digits that read alike
// (0/O, 1/I/L), so that a reference read out on the phone is understood.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewReference returns a reference such as N-2026-7K3Q9X: prefix, the
// year of at, and ten random letters of referenceAlphabet (49 bits), so
// that references can be given out to anyone without one leading to
// another.
func NewReference(prefix string, at time.Time) string {
	const n, limit = 10, 256 - 256%len(referenceAlphabet) // rejection keeps every letter equally likely
	out := make([]byte, 0, n)
	var buf [16]byte
	for len(out) < n {
		rand.Read(buf[:])
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, referenceAlphabet[int(c)%len(referenceAlphabet)])
			}
		}
	}
	return prefix + "-" + at.UTC().Format("2006") + "-" + string(out)
}
