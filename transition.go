package parley

// This file decides, once for every backend, what a comment's status change
// does besides setting the status: the counts it moves, the events it
// appends, the placeholders it hides or brings back. Backends only apply
// the answer (see Store.SetCommentStatus and Store.CreateComment), so a new
// status or moderation action is a change here and in its table test, not
// new SQL in each backend.

// Effects is what a change of one comment's status does beyond the status.
type Effects struct {
	// Event is the event to append for the comment itself, "" for none.
	Event string
	// StoryCount is added to the story's CommentCount: approved comments
	// are counted.
	StoryCount int
	// ParentReplies is added to the parent's ReplyCount (for a comment
	// with a parent) when the comment enters or leaves the public thread;
	// Ripple says how the change travels further up.
	ParentReplies int
	// Author is added to the author's counts of comments by status
	// (User.Counts): a comment leaves the count of its old status and
	// joins that of its new one.
	Author UserCounts
	// Clear empties Body and HTML and sets DeletedAt: what its author
	// deleted is not kept.
	Clear bool
}

// ValidStatus reports whether s is one of the comment statuses.
func ValidStatus(s string) bool {
	switch s {
	case StatusApproved, StatusPending, StatusRejected, StatusDeleted:
		return true
	}
	return false
}

// Transition returns the effects of a comment with replies shown replies
// going from status from to status to. from is "" for a comment being
// created, which always appends EventCommentCreated (the live stream decides
// whom to show a pending comment) and starts with no replies.
func Transition(from, to string, replies int) Effects {
	e := Effects{Clear: to == StatusDeleted}
	switch {
	case from == "":
		e.Event = EventCommentCreated
	case from != to:
		e.Event = StatusEvent(from, to)
	}
	e.StoryCount = countDelta(from == StatusApproved, to == StatusApproved)
	e.ParentReplies = countDelta(Shown(from, replies), Shown(to, replies))
	e.Author = UserCounts{
		Approved: countDelta(from == StatusApproved, to == StatusApproved),
		Pending:  countDelta(from == StatusPending, to == StatusPending),
		Rejected: countDelta(from == StatusRejected, to == StatusRejected),
	}
	return e
}

// Ripple returns what adding n (±1) to the ReplyCount of a comment with
// status status and replies shown replies before the change does to that
// comment: when its Shown state flips (a deleted placeholder that gains its
// first reply comes back, one that loses its last vanishes), up is what to
// add to its own parent's ReplyCount and event is the event to append for
// it; otherwise up is 0 and event "", and the walk up the ancestry stops.
func Ripple(status string, replies, n int) (up int, event string) {
	was, is := Shown(status, replies), Shown(status, replies+n)
	if was == is {
		return 0, ""
	}
	return countDelta(was, is), ShownEvent(is)
}

// countDelta is +1 for something that starts to count, -1 for something
// that stops and 0 otherwise.
func countDelta(was, is bool) int {
	switch {
	case is && !was:
		return 1
	case was && !is:
		return -1
	}
	return 0
}
