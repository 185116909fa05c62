package parley

import "time"

// Report reasons.
const (
	ReasonSpam     = "spam"
	ReasonAbuse    = "abuse"
	ReasonOffTopic = "off_topic"
	ReasonOther    = "other"
)

// ValidReason reports whether r is one of the report reasons.
func ValidReason(r string) bool {
	switch r {
	case ReasonSpam, ReasonAbuse, ReasonOffTopic, ReasonOther:
		return true
	}
	return false
}

// Report is a reader's complaint about a comment, at most one per reader and
// comment. Moderators work through them in a later part of Parley.
type Report struct {
	ID        string
	CommentID string
	UserID    string
	Reason    string
	Note      string
	IPHash    string // as Comment.IPHash
	CreatedAt time.Time
}
