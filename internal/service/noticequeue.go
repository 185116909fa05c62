package service

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
)

// noticePageSize is how many notices or complaints a page of the queue
// holds.
const noticePageSize = 50

// NoticePage is one page of a site's notices, oldest first; Next continues
// it ("" on the last page).
type NoticePage struct {
	Items []*parley.Notice
	Next  string
}

var (
	errNoticeDecided  = parley.Errorf(parley.ECONFLICT, "This notice has already been decided.").Keyed("noticeDecided")
	errNoticeDecision = parley.Errorf(parley.EINVALID, "A decision needs an action (remove, restrict or no_action) and a ground: law with the provision, or terms with one of %s.",
		strings.Join(parley.RejectReasons(), ", ")).Keyed("noticeDecision")
	errBadCursor   = parley.Errorf(parley.EINVALID, "The cursor is not valid.").Keyed("badCursor")
	errBadStatus   = parley.Errorf(parley.EINVALID, "The status must be received, in_review or decided.").Keyed("badStatus")
	errNoSuchEntry = parley.Errorf(parley.ENOTFOUND, "There is no such notice.")
)

// Notices returns a page of a site's notices of one status ("" for all),
// oldest first: the moderators' notice queue. RoleModerator.
func (s *Service) Notices(ctx context.Context, siteID, status, cursor string) (*NoticePage, error) {
	if _, err := s.staffSite(ctx, siteID, actDecideNotice); err != nil {
		return nil, err
	}
	switch status {
	case "", parley.NoticeReceived, parley.NoticeInReview, parley.NoticeDecided:
	default:
		return nil, errBadStatus
	}
	q, err := noticeQuery(siteID, status, cursor)
	if err != nil {
		return nil, err
	}
	ns, err := s.store.NoticePage(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	page := &NoticePage{Items: ns}
	if len(ns) > noticePageSize {
		page.Items = ns[:noticePageSize]
		last := page.Items[noticePageSize-1]
		page.Next = pageCursor(last.CreatedAt, last.Reference)
	}
	return page, nil
}

// noticeQuery is the store query of a page: one more than a page, so that
// a full page knows whether another follows.
func noticeQuery(siteID, status, cursor string) (parley.NoticeQuery, error) {
	q := parley.NoticeQuery{SiteID: siteID, Status: status, Limit: noticePageSize + 1}
	if cursor == "" {
		return q, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	ms, ref, ok := strings.Cut(string(raw), ".")
	n, perr := strconv.ParseInt(ms, 10, 64)
	if err != nil || !ok || perr != nil || ref == "" || len(ref) > 40 || !utf8.ValidString(ref) {
		return q, errBadCursor
	}
	q.AfterTime, q.AfterRef = time.UnixMilli(n).UTC(), ref
	return q, nil
}

// pageCursor is the opaque cursor after a notice or complaint.
func pageCursor(at time.Time, ref string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMilli(), 10) + "." + ref))
}

// ReviewNotice takes a received notice into review, naming the caller as
// its reviewer; a notice in review already is returned as it is, one
// decided is ECONFLICT (noticeDecided). RoleModerator.
func (s *Service) ReviewNotice(ctx context.Context, siteID, ref string) (*parley.Notice, error) {
	a, err := s.staffSite(ctx, siteID, actDecideNotice)
	if err != nil {
		return nil, err
	}
	var n *parley.Notice
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		if n, err = noticeIn(ctx, tx, siteID, ref); err != nil {
			return err
		}
		switch n.Status {
		case parley.NoticeDecided:
			return errNoticeDecided
		case parley.NoticeInReview:
			return nil
		}
		n.Status, n.ReviewedBy = parley.NoticeInReview, a.User.ID
		return tx.UpdateNotice(ctx, n, parley.NoticeReceived)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// noticeIn reads a site's notice in the unit, with a reader-facing
// not-found error.
func noticeIn(ctx context.Context, tx parley.Tx, siteID, ref string) (*parley.Notice, error) {
	n, err := tx.Notice(ctx, siteID, ref)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errNoSuchEntry
	}
	if err != nil {
		return nil, fmt.Errorf("read notice: %w", err)
	}
	return n, nil
}

// NoticeDecision is a moderator's decision on a notice.
type NoticeDecision struct {
	SiteID    string
	Reference string
	Action    string // parley.ActionRemove, ActionRestrict, ActionNone
	Ground    string // parley.GroundLaw or GroundTerms; may be "" for no_action
	Basis     string // the provision (law) or one of parley.RejectReasons (terms)
	Note      string // the facts relied on, shown in the statement of reasons
}

// NoticeDecided is a decision as stored: the notice, and the audit entries
// written with it (the comment's rejection or hold first, when there is
// one, then notice.decided).
type NoticeDecided struct {
	Notice  *parley.Notice
	Entries []*parley.AuditEntry
}

// clean validates and normalizes d.
func (d *NoticeDecision) clean() error {
	note, err := cleanText(d.Note, "note", true)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(note) > maxNoteLength {
		return parley.Errorf(parley.EINVALID, "A note is at most %d characters.", maxNoteLength)
	}
	d.Note = note
	basis, err := cleanText(d.Basis, "ground", false)
	if err != nil {
		return err
	}
	d.Basis = basis
	switch d.Action {
	case parley.ActionRemove, parley.ActionRestrict:
	case parley.ActionNone:
		if d.Ground == "" && d.Basis == "" {
			return nil
		}
	default:
		return errNoticeDecision
	}
	switch {
	case d.Ground == parley.GroundLaw && basis != "" && utf8.RuneCountInString(basis) <= maxLawLength:
	case d.Ground == parley.GroundTerms && parley.ValidRejectReason(basis):
	default:
		return errNoticeDecision
	}
	return nil
}

// DecideNotice decides a notice in one unit of work: removing rejects the
// comment, restricting holds it back from the public thread (pending),
// each audited with the notice's reference; the notice is marked decided
// and audited (notice.decided, its UserID the notifier when signed in);
// the notifier's outcome mail is enqueued when they gave an address. A
// notice decided already is ECONFLICT (noticeDecided), also when two
// moderators decide at once. RoleModerator.
func (s *Service) DecideNotice(ctx context.Context, d NoticeDecision) (*NoticeDecided, error) {
	if err := d.clean(); err != nil {
		return nil, err
	}
	site, err := s.Site(ctx, d.SiteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actDecideNotice, nil)
	if err != nil {
		return nil, err
	}
	var out *NoticeDecided
	var changed []decided
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		out, changed = &NoticeDecided{}, nil // a unit may run again after a failed group commit
		n, err := noticeIn(ctx, tx, site.ID, d.Reference)
		if err != nil {
			return err
		}
		if n.Status == parley.NoticeDecided {
			return errNoticeDecided
		}
		from, now := n.Status, s.now()
		n.Status, n.Action, n.Ground, n.Basis, n.Note = parley.NoticeDecided, d.Action, d.Ground, d.Basis, d.Note
		n.DecidedBy, n.DecidedAt = a.User.ID, now
		if n.ReviewedBy == "" {
			n.ReviewedBy = a.User.ID
		}
		done, err := s.actOnNotice(ctx, tx, n, a.User.ID)
		if err != nil {
			return err
		}
		if done != nil {
			out.Entries, changed = append(out.Entries, done.entry), append(changed, *done)
		}
		if err := tx.UpdateNotice(ctx, n, from); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				return errNoticeDecided
			}
			return fmt.Errorf("update notice: %w", err)
		}
		decided := &parley.AuditEntry{SiteID: n.SiteID, Action: parley.AuditNoticeDecided, StoryID: n.StoryID, CommentID: n.CommentID,
			UserID: n.UserID, ActorID: a.User.ID, Reason: n.Action, Note: n.Note, Before: from, After: n.Status, Ref: n.Reference, CreatedAt: now}
		if err := tx.AppendAudit(ctx, decided); err != nil {
			return fmt.Errorf("audit notice decision: %w", err)
		}
		out.Notice, out.Entries = n, append(out.Entries, decided)
		if n.Email != "" && s.sendsMail() {
			return enqueue(ctx, tx, noticeOutcomeMail(site, n))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.announce(ctx, changed)
	return out, nil
}

// actOnNotice applies a decision's action to the notice's comment in the
// unit, with the moderators' own decision code (decideOne, setStatus): the
// comment's change and its audit entry, nil for no change (no action, or a
// comment that is no longer in the public thread).
func (s *Service) actOnNotice(ctx context.Context, tx parley.Tx, n *parley.Notice, actorID string) (*decided, error) {
	if n.Action == parley.ActionNone {
		return nil, nil
	}
	reason := parley.ReasonIllegal
	if n.Ground == parley.GroundTerms {
		reason = n.Basis
	}
	e := &parley.AuditEntry{SiteID: n.SiteID, ActorID: actorID, Reason: reason, Note: n.Note, Ref: n.Reference, CreatedAt: n.DecidedAt}
	if n.Action == parley.ActionRemove {
		old, changed, err := s.decideOne(ctx, tx, ActionReject, n.CommentID, e)
		switch {
		case errors.Is(err, errGone):
			return nil, nil // deleted by its author since
		case err != nil:
			return nil, err
		case !changed:
			return nil, nil
		}
		return &decided{e, old}, appendAudit(ctx, tx, e)
	}
	c, err := tx.Comment(ctx, n.CommentID)
	if err != nil {
		return nil, fmt.Errorf("read noticed comment: %w", err)
	}
	if c.Status != parley.StatusApproved {
		return nil, nil
	}
	e.Action, e.CommentID, e.StoryID, e.UserID = parley.AuditHeld, c.ID, c.StoryID, c.AuthorID
	e.Before, e.After = c.Status, parley.StatusPending
	if err := s.setStatus(ctx, tx, c, parley.StatusPending); err != nil {
		return nil, err
	}
	return &decided{e, c.Status}, appendAudit(ctx, tx, e)
}
