package parley

import (
	"context"
	"time"
)

// Pipeline checks: what a Reason says held back or removed a comment.
const (
	CheckWords  = "words"  // a banned or suspect word (Key: the list, Detail: the entry)
	CheckRule   = "rule"   // a pre-moderation rule (Key: all, new, links, age, story)
	CheckScorer = "scorer" // a scorer over its threshold, or one that failed (Key: the scorer's reason key)
	CheckEdit   = "edit"   // an edit of a comment that was approved is checked again
)

// Reason is one cause of a verdict, kept with it so that a moderator sees
// which word, which rule or which score held a comment back, and the author's
// statement of reasons can say so.
type Reason struct {
	Check  string  `json:"check"`            // CheckWords, CheckRule, CheckScorer, CheckEdit
	Key    string  `json:"key"`              // the list, rule or reason key
	Scorer string  `json:"scorer,omitempty"` // the scorer's name, for CheckScorer
	Detail string  `json:"detail,omitempty"` // the matched text, the link's host, a scorer's explanation
	N      int     `json:"n,omitempty"`      // a count the key speaks of (links, days)
	Score  float64 `json:"score,omitempty"`  // a scorer's score, 0 to 1
}

// Revision is one text of a comment with the pipeline's verdict on it. The
// first is written with the comment, each edit adds the next, all in the
// unit of work of the write, so that moderators see what changed and why
// each text was let through, held or refused.
type Revision struct {
	CommentID string
	N         int // 1 for the text the comment was posted with
	Body      string
	HTML      string
	Status    string   // the status the verdict gave: approved, pending or rejected
	Reasons   []Reason // empty when nothing was found
	CreatedAt time.Time
}

// Revisions keeps the texts of comments and their verdicts. AddRevision is
// a Tx method; the reads are the Store's.
type Revisions interface {
	// AddRevision stores r; ECONFLICT if the comment already has revision
	// r.N, ENOTFOUND if the comment does not exist.
	AddRevision(ctx context.Context, r *Revision) error
}

// RevisionReader reads revisions.
type RevisionReader interface {
	// CommentRevisions returns every revision of a comment, oldest first.
	CommentRevisions(ctx context.Context, commentID string) ([]*Revision, error)
	// LatestRevisions returns the newest revision of each named comment
	// that has one (a page of a queue at once); EINVALID for more than
	// MaxAuditPage IDs.
	LatestRevisions(ctx context.Context, commentIDs []string) (map[string]*Revision, error)
}

// CheckRevision returns the error AddRevision must return for r before it
// reaches the database, nil if it may be stored; both backends call it.
func CheckRevision(r *Revision) error {
	if r.N < 1 {
		return Errorf(EINVALID, "Revisions are numbered from 1.")
	}
	return nil
}

// CheckRevisionIDs returns the error LatestRevisions must return for ids.
func CheckRevisionIDs(ids []string) error {
	if len(ids) > MaxAuditPage {
		return Errorf(EINVALID, "Ask for the revisions of at most %d comments at once.", MaxAuditPage)
	}
	return nil
}
