package parley

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Queues: the lists of comments a moderator works through. Each is a page
// newest first on an index of its own, per site and per story, so that a
// story with 100,000 comments opens its queue as fast as a small one.
const (
	QueuePending  = "pending"  // held back: awaiting a moderator
	QueueReported = "reported" // approved, with reports no moderator has seen
	QueueNew      = "new"      // written while the author was new and not yet decided
	QueueRejected = "rejected"
	QueueApproved = "approved"
	QueueFeatured = "featured"
)

// Queues lists the queues in the order a moderator sees them.
func Queues() []string {
	return []string{QueuePending, QueueReported, QueueNew, QueueRejected, QueueApproved, QueueFeatured}
}

// ValidQueue reports whether q is one of Queues.
func ValidQueue(q string) bool {
	switch q {
	case QueuePending, QueueReported, QueueNew, QueueRejected, QueueApproved, QueueFeatured:
		return true
	}
	return false
}

// EventQueueChanged says that a site's queues changed: a comment was
// decided, featured or reported. It travels on its own topic kind
// (TopicQueues), so that the moderators' live queues follow a site without
// waking the subscribers of site settings, and is never appended to a
// story's event log: readers do not see queues.
const EventQueueChanged = "queue.changed"

// TopicQueues is the topic kind of EventQueueChanged, per site.
const TopicQueues = "queues"

// MaxQueuePage bounds one page of a queue.
const MaxQueuePage = 100

// QueueQuery asks for one page of a site's comments, newest first. Empty
// fields do not filter.
type QueueQuery struct {
	SiteID string // required
	// Queue is one of Queues; "" for every status, which needs AuthorID
	// (a user's history).
	Queue    string
	StoryID  string
	AuthorID string
	IPHash   string
	// Text finds comments whose Markdown contains it (case-insensitive at
	// least on ASCII letters; % and _ match themselves). It filters the rows the
	// queue's index yields and has no index of its own: its cost is the
	// number of comments of the queue it reads past.
	Text     string
	BeforeID string // comments with a lower ID only; "" for the first page
	Limit    int    // 1 to MaxQueuePage
}

// CheckQueueQuery returns the error QueueComments must return for q, nil
// if it is allowed; both backends call it.
func CheckQueueQuery(q QueueQuery) error {
	switch {
	case q.SiteID == "":
		return Errorf(EINVALID, "A queue is read one site at a time.")
	case q.Queue == "" && q.AuthorID == "":
		return Errorf(EINVALID, "Every status at once is read for one author only.")
	case q.Queue != "" && !ValidQueue(q.Queue):
		return Errorf(EINVALID, "%q is not a queue.", q.Queue)
	case q.Limit < 1 || q.Limit > MaxQueuePage:
		return Errorf(EINVALID, "A page of a queue holds 1 to %d comments.", MaxQueuePage)
	}
	return nil
}

// ReportCount is what the reports of one comment say for one reason: how
// many readers gave it and the first few of their notes.
type ReportCount struct {
	Reason string
	N      int
	Notes  []string
}

// MaxQueueBatch bounds the IDs of one batch read of QueueReader: the
// comments, authors, parents or stories of a page.
const MaxQueueBatch = MaxQueuePage

// CheckBatch returns the error a batch read must return for ids.
func CheckBatch(ids []string) error {
	if len(ids) > MaxQueueBatch {
		return Errorf(EINVALID, "Ask for at most %d at once.", MaxQueueBatch)
	}
	return nil
}

// QueueReader reads the moderators' queues, and what a page of one shows
// beside each comment, a batch at a time.
type QueueReader interface {
	// QueueComments returns one page of q, newest first, with IPHash set
	// (moderators search by it); EINVALID unless CheckQueueQuery(q).
	QueueComments(ctx context.Context, q QueueQuery) ([]*Comment, error)
	// QueueCounts returns the number of comments in each of Queues on a
	// site (on one story for a storyID other than ""), each counted up to
	// limit, so that a count costs at most limit index entries: limit
	// means "limit or more".
	QueueCounts(ctx context.Context, siteID, storyID string, limit int) (map[string]int, error)
	// CommentReports returns the reports of each named comment that has
	// some, one ReportCount per reason in the order of RejectReasons, each
	// with at most notes of its non-empty notes, oldest first.
	CommentReports(ctx context.Context, commentIDs []string, notes int) (map[string][]ReportCount, error)
	// CommentsByID, UsersByID and StoriesByID return those of the named
	// rows that exist, by ID (a story by its ID within siteID); EINVALID
	// unless CheckBatch.
	CommentsByID(ctx context.Context, ids []string) (map[string]*Comment, error)
	UsersByID(ctx context.Context, ids []string) (map[string]*User, error)
	StoriesByID(ctx context.Context, siteID string, ids []string) (map[string]*Story, error)
}

// QueueWriter holds the moderators' writes on comments beside their
// status, which SetCommentStatus changes.
type QueueWriter interface {
	// ReviewComment records that a moderator decided on a comment: its
	// reports so far no longer put it in QueueReported (ReportsReviewed
	// becomes ReportCount), and it leaves QueueNew (Newcomer becomes
	// false); ENOTFOUND.
	ReviewComment(ctx context.Context, id string, at time.Time) error
	// SetFeatured sets or clears a comment's Featured flag; ENOTFOUND.
	SetFeatured(ctx context.Context, id string, featured bool) error
}

// SortReportCounts orders the report counts of one comment by reason as
// RejectReasons lists them, which both backends return.
func SortReportCounts(rcs []ReportCount) {
	rank := func(r string) int {
		if i := slices.Index(RejectReasons(), r); i >= 0 {
			return i
		}
		return len(RejectReasons())
	}
	slices.SortFunc(rcs, func(a, b ReportCount) int {
		return cmp.Or(cmp.Compare(rank(a.Reason), rank(b.Reason)), strings.Compare(a.Reason, b.Reason))
	})
}
