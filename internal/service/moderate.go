package service

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"parley"
)

// Moderators' actions on comments.
const (
	ActionApprove   = "approve"
	ActionReject    = "reject"
	ActionFeature   = "feature"
	ActionUnfeature = "unfeature"
)

// MaxBulk bounds the comments of one Decision.
const MaxBulk = 100

// Decision is a moderator's decision on one comment, or on up to MaxBulk
// at once (bulk approve, bulk reject).
type Decision struct {
	SiteID     string
	CommentIDs []string // one, or up to 100 for bulk
	Action     string   // approve, reject, feature, unfeature
	Reason     string   // reject: one of parley.RejectReasons (required); free text in Note (required for "other")
	Note       string
}

var (
	errGone     = parley.Errorf(parley.ECONFLICT, "Its author deleted this comment.").Keyed("commentDeleted")
	errFeature  = parley.Errorf(parley.ECONFLICT, "Only an approved comment can be featured.").Keyed("featureApproved")
	errReason   = parley.Errorf(parley.EINVALID, "A rejection needs one of the reasons: spam, abuse, hate_speech, harassment, off_topic, misinformation, illegal, other.").Keyed("rejectReason")
	errNoteFor  = parley.Errorf(parley.EINVALID, "The reason other needs a note that says what it is.").Keyed("noteRequired")
	errStale    = parley.Errorf(parley.ECONFLICT, "This decision cannot be undone: the comment has changed since.").Keyed("undoStale")
	errNotUndo  = parley.Errorf(parley.EINVALID, "Only a decision on a comment can be undone.").Keyed("undoAction")
	errNotYours = parley.Errorf(parley.EFORBIDDEN, "A moderator can undo only their own decisions.").Keyed("undoOthers")
	errNoChange = parley.Errorf(parley.ECONFLICT, "This decision changed no status (it took the comment out of a queue), so there is nothing to undo.").Keyed("undoNothing")
)

// Decide carries out a decision as one unit of work: the status changes,
// moderation marks and an audit entry for every comment it changes. A
// comment already where the decision would put it is left alone and gets
// no entry, so that a decision sent twice (a double click, two moderators
// at once) is recorded once. A comment of another site, or one that is
// unknown, fails the whole decision. It returns the entries written.
func (s *Service) Decide(ctx context.Context, d Decision) ([]*parley.AuditEntry, error) {
	ids, err := decisionIDs(d.CommentIDs)
	if err != nil {
		return nil, err
	}
	reason, note, err := decisionReason(d)
	if err != nil {
		return nil, err
	}
	a, err := s.staffSite(ctx, d.SiteID, actModerate)
	if err != nil {
		return nil, err
	}
	var done []decided
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		done = done[:0] // from nothing, should the store ever run fn twice
		for _, id := range ids {
			e := &parley.AuditEntry{SiteID: d.SiteID, ActorID: a.User.ID, Reason: reason, Note: note, CreatedAt: s.now()}
			old, changed, err := s.decideOne(ctx, tx, d.Action, id, e)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			if err := appendAudit(ctx, tx, e); err != nil {
				return err
			}
			done = append(done, decided{e, old})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.announce(ctx, done), nil
}

// decided is one comment a decision changed: its entry and the status it
// had before.
type decided struct {
	entry *parley.AuditEntry
	old   string
}

// decisionIDs checks a decision's comment IDs and drops repeats.
func decisionIDs(in []string) ([]string, error) {
	if len(in) == 0 || len(in) > MaxBulk {
		return nil, parley.Errorf(parley.EINVALID, "A decision names 1 to %d comments.", MaxBulk).Keyed("bulkSize")
	}
	ids := make([]string, 0, len(in))
	for _, id := range in {
		if !parley.ValidCommentID(id) {
			return nil, parley.Errorf(parley.ENOTFOUND, "There is no such comment.")
		}
		ids = appendNew(ids, id)
	}
	return ids, nil
}

// decisionReason checks a decision's action, reason and note.
func decisionReason(d Decision) (reason, note string, err error) {
	switch d.Action {
	case ActionApprove, ActionReject, ActionFeature, ActionUnfeature:
	default:
		return "", "", parley.Errorf(parley.EINVALID, "The action must be approve, reject, feature or unfeature.").Keyed("badAction")
	}
	if note, err = cleanNote(d.Note); err != nil {
		return "", "", err
	}
	switch {
	case d.Action == ActionReject && !parley.ValidRejectReason(d.Reason):
		return "", "", errReason
	case d.Action != ActionReject && d.Reason != "":
		return "", "", parley.Errorf(parley.EINVALID, "Only a rejection takes a reason; say more in the note.").Keyed("rejectReason")
	case d.Reason == parley.ReasonOther && note == "":
		return "", "", errNoteFor
	}
	return d.Reason, note, nil
}

// cleanNote is a moderator's free text: one paragraph or a few, at most
// maxNoteLength characters.
func cleanNote(s string) (string, error) {
	note, err := cleanText(s, "note", true)
	if err != nil {
		return "", err
	}
	if utf8.RuneCountInString(note) > maxNoteLength {
		return "", parley.Errorf(parley.EINVALID, "A note is at most %d characters.", maxNoteLength).Keyed("noteTooLong")
	}
	return note, nil
}

// decideOne applies action to comment id in tx and fills e. It returns the
// comment's old status and false when the comment is already where the
// action would put it.
func (s *Service) decideOne(ctx context.Context, tx parley.Tx, action, id string, e *parley.AuditEntry) (string, bool, error) {
	c, err := tx.Comment(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && c.SiteID != e.SiteID {
		return "", false, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", id)
	}
	if err != nil {
		return "", false, fmt.Errorf("comment %s: %w", id, err)
	}
	if c.Status == parley.StatusDeleted {
		return "", false, errGone
	}
	e.CommentID, e.StoryID, e.UserID = c.ID, c.StoryID, c.AuthorID
	e.Before, e.After = c.Status, c.Status
	switch action {
	case ActionApprove:
		if c.Status == parley.StatusApproved && !queued(c) {
			return c.Status, false, nil
		}
		e.Action, e.After = parley.AuditApproved, parley.StatusApproved
		return c.Status, true, s.setStatus(ctx, tx, c, parley.StatusApproved)
	case ActionReject:
		if c.Status == parley.StatusRejected {
			return c.Status, false, nil
		}
		e.Action, e.After = parley.AuditRejected, parley.StatusRejected
		return c.Status, true, s.setStatus(ctx, tx, c, parley.StatusRejected)
	case ActionFeature:
		if c.Status != parley.StatusApproved {
			return "", false, errFeature
		}
		e.Action = parley.AuditFeatured
		return c.Status, !c.Featured, featureIf(ctx, tx, c, true)
	default:
		e.Action = parley.AuditUnfeatured
		return c.Status, c.Featured, featureIf(ctx, tx, c, false)
	}
}

// queued reports whether an approved comment still waits in a queue that
// approving it takes it out of: reports nobody has seen, or a new author.
func queued(c *parley.Comment) bool {
	return c.Newcomer || c.ReportCount > c.ReportsReviewed
}

// setStatus moves c to status (Transition keeps counts and events right)
// and records that a moderator decided on it; a rejected comment is no
// longer featured.
func (s *Service) setStatus(ctx context.Context, tx parley.Tx, c *parley.Comment, status string) error {
	if c.Status != status {
		if err := tx.SetCommentStatus(ctx, c.ID, status, s.now()); err != nil {
			return fmt.Errorf("set status: %w", err)
		}
	}
	if err := tx.ReviewComment(ctx, c.ID, s.now()); err != nil {
		return fmt.Errorf("review comment: %w", err)
	}
	if status != parley.StatusApproved {
		return featureIf(ctx, tx, c, false)
	}
	return nil
}

// featureIf sets c's Featured flag to on unless it is so already.
func featureIf(ctx context.Context, tx parley.Tx, c *parley.Comment, on bool) error {
	if c.Featured == on {
		return nil
	}
	if err := tx.SetFeatured(ctx, c.ID, on); err != nil {
		return fmt.Errorf("set featured: %w", err)
	}
	return nil
}

// announce publishes what a committed decision changed: each comment's
// status event and one queue event per story. It returns the entries.
func (s *Service) announce(ctx context.Context, done []decided) []*parley.AuditEntry {
	entries := make([]*parley.AuditEntry, 0, len(done))
	var stories []string
	for _, d := range done {
		e := d.entry
		entries = append(entries, e)
		if ev := parley.StatusEvent(d.old, e.After); ev != "" {
			s.publishEvent(ctx, parley.Event{Type: ev, SiteID: e.SiteID, StoryID: e.StoryID, CommentID: e.CommentID})
		}
		stories = appendNew(stories, e.StoryID)
	}
	for _, st := range stories {
		s.publishEvent(ctx, parley.Event{Type: parley.EventQueueChanged, SiteID: entries[0].SiteID, StoryID: st})
	}
	return entries
}

// Undo reverses a decision on a comment: its status goes back to Before
// (a feature is taken back, an unfeature restored), and the undoing is
// itself audited, its Ref naming the entry it undoes. A moderator undoes
// their own decisions; an admin anyone's. A comment that changed since the
// decision is not touched (ECONFLICT, key undoStale), which also makes a
// second undo of the same entry fail instead of repeating.
func (s *Service) Undo(ctx context.Context, siteID string, entryID int64) (*parley.AuditEntry, error) {
	a, err := s.staffSite(ctx, siteID, actModerate)
	if err != nil {
		return nil, err
	}
	orig, err := s.auditEntry(ctx, siteID, entryID)
	if err != nil {
		return nil, err
	}
	switch {
	case !undoable(orig.Action):
		return nil, errNotUndo
	case orig.ActorID != a.User.ID && a.Role < parley.RoleAdmin:
		return nil, errNotYours
	}
	e := &parley.AuditEntry{SiteID: siteID, ActorID: a.User.ID, StoryID: orig.StoryID, CommentID: orig.CommentID,
		UserID: orig.UserID, Ref: strconv.FormatInt(orig.ID, 10), CreatedAt: s.now()}
	var old string
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		c, err := tx.Comment(ctx, orig.CommentID)
		if err != nil {
			return fmt.Errorf("comment %s: %w", orig.CommentID, err)
		}
		old = c.Status
		if err := s.reverse(ctx, tx, orig, c, e); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	s.announce(ctx, []decided{{e, old}})
	return e, nil
}

// undoable reports whether an entry's action is a decision Undo reverses.
func undoable(action string) bool {
	switch action {
	case parley.AuditApproved, parley.AuditRejected, parley.AuditFeatured, parley.AuditUnfeatured:
		return true
	}
	return false
}

// reverse undoes decision orig on comment c in tx and fills e with what it
// did.
func (s *Service) reverse(ctx context.Context, tx parley.Tx, orig *parley.AuditEntry, c *parley.Comment, e *parley.AuditEntry) error {
	e.Before, e.After = c.Status, c.Status
	switch orig.Action {
	case parley.AuditApproved, parley.AuditRejected:
		switch {
		case orig.Before == orig.After:
			// Reports seen and a newcomer reviewed cannot be unseen.
			return errNoChange
		case c.Status != orig.After:
			return errStale
		}
		e.After = orig.Before
		e.Action = map[string]string{parley.StatusApproved: parley.AuditApproved, parley.StatusRejected: parley.AuditRejected}[orig.Before]
		if e.Action == "" {
			e.Action = parley.AuditHeld
		}
		if err := tx.SetCommentStatus(ctx, c.ID, orig.Before, s.now()); err != nil {
			return fmt.Errorf("set status: %w", err)
		}
		if orig.Before != parley.StatusApproved {
			return featureIf(ctx, tx, c, false)
		}
		return nil
	case parley.AuditFeatured, parley.AuditUnfeatured:
		on := orig.Action == parley.AuditUnfeatured
		if c.Featured == on || on && c.Status != parley.StatusApproved {
			return errStale
		}
		e.Action = map[bool]string{true: parley.AuditFeatured, false: parley.AuditUnfeatured}[on]
		return featureIf(ctx, tx, c, on)
	}
	return errNotUndo
}

// auditEntry reads one entry of a site's log; ENOTFOUND for an ID that is
// not one of the site's.
func (s *Service) auditEntry(ctx context.Context, siteID string, id int64) (*parley.AuditEntry, error) {
	if id > 0 {
		got, err := s.store.Audit(ctx, parley.AuditQuery{SiteID: siteID, BeforeID: id + 1, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", id, err)
		}
		if len(got) == 1 && got[0].ID == id {
			return got[0], nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "There is no audit entry %d.", id)
}

// appendAudit writes e in the unit of the action it records.
func appendAudit(ctx context.Context, tx parley.Tx, e *parley.AuditEntry) error {
	if err := tx.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}
