package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
	"parley/internal/dsa"
)

var (
	errNoDecision           = parley.Errorf(parley.ENOTFOUND, "There is no such decision.")
	errNoComplaint          = parley.Errorf(parley.ENOTFOUND, "There is no such complaint.")
	errComplaintExists      = parley.Errorf(parley.ECONFLICT, "This decision has already been contested; each decision can be contested once.").Keyed("complaintExists")
	errComplaintLate        = parley.Errorf(parley.EFORBIDDEN, "The time to contest this decision has passed.").Keyed("complaintLate")
	errComplaintNotDecision = parley.Errorf(parley.EINVALID, "This entry is not a decision that can be contested.").Keyed("complaintNotDecision")
	errComplaintDecided     = parley.Errorf(parley.ECONFLICT, "This complaint has already been decided.").Keyed("complaintDecided")
	errComplaintOutcome     = parley.Errorf(parley.EINVALID, "The outcome must be upheld or reversed.").Keyed("complaintOutcome")
	errComplaintExplanation = parley.Errorf(parley.EINVALID, "Explain why you contest the decision, in at most %d characters.", maxExplanationLength).Keyed("complaintExplanation")
)

// Complain files the caller's complaint against the decision whose audit
// entry is entryID (Digital Services Act, Art. 20), once, within
// parley.ComplaintWindow of it: a removal, a restriction or a sanction by
// the person it concerns, or the decision on a notice by its notifier
// (signed in when they sent it). Only the decision's subject may
// (authorizeSubject); the entry is looked up on the caller's own site, so
// a decision of another site is not found. ECONFLICT (complaintExists) for
// a second complaint, EFORBIDDEN (complaintLate) after the window, EINVALID
// (complaintNotDecision) for an entry that decides nothing.
func (s *Service) Complain(ctx context.Context, entryID int64, explanation, lang string) (*parley.Complaint, error) {
	site, e, n, err := s.ownDecision(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if !dsa.Contestable(e, n) {
		return nil, errComplaintNotDecision
	}
	now := s.now()
	if !now.Before(e.CreatedAt.Add(parley.ComplaintWindow)) {
		return nil, errComplaintLate
	}
	text, err := cleanText(explanation, "explanation", true)
	if err != nil {
		return nil, err
	}
	if !visible(text) || utf8.RuneCountInString(text) > maxExplanationLength {
		return nil, errComplaintExplanation
	}
	lang, _ = cleanLang(lang)
	c := &parley.Complaint{Reference: parley.NewReference("C", now), SiteID: site.ID, EntryID: e.ID, Action: e.Action,
		CommentID: e.CommentID, UserID: e.UserID, Explanation: text, Lang: lang, Status: parley.ComplaintReceived, CreatedAt: now}
	if n != nil {
		c.NoticeRef = n.Reference
	}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateComplaint(ctx, c); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				return errComplaintExists
			}
			return fmt.Errorf("create complaint: %w", err)
		}
		return tx.AppendAudit(ctx, &parley.AuditEntry{SiteID: site.ID, Action: parley.AuditComplaintCreated, StoryID: e.StoryID,
			CommentID: e.CommentID, UserID: e.UserID, ActorID: e.UserID, Reason: e.Action, Ref: c.Reference,
			Before: strconv.FormatInt(e.ID, 10), CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// decision reads the audit entry entryID of a site and the notice it
// answered, if any (nil otherwise).
func (s *Service) decision(ctx context.Context, siteID string, entryID int64) (*parley.AuditEntry, *parley.Notice, error) {
	if entryID < 1 {
		return nil, nil, errNoDecision
	}
	es, err := s.store.Audit(ctx, parley.AuditQuery{SiteID: siteID, BeforeID: entryID + 1, Limit: 1})
	if err != nil {
		return nil, nil, fmt.Errorf("read decision: %w", err)
	}
	if len(es) == 0 || es[0].ID != entryID {
		return nil, nil, errNoDecision
	}
	e := es[0]
	if !strings.HasPrefix(e.Ref, "N-") {
		return e, nil, nil
	}
	n, err := s.store.Notice(ctx, siteID, e.Ref)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return e, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("read notice: %w", err)
	}
	return e, n, nil
}

// ComplaintPage is one page of a site's complaints, oldest first.
type ComplaintPage struct {
	Items []*parley.Complaint
	Next  string
}

// Complaints returns a page of a site's complaints of one status ("" for
// all), oldest first. RoleModerator.
func (s *Service) Complaints(ctx context.Context, siteID, status, cursor string) (*ComplaintPage, error) {
	if _, err := s.staffSite(ctx, siteID, actDecideComplain); err != nil {
		return nil, err
	}
	if status != "" && status != parley.ComplaintReceived && status != parley.ComplaintDecided {
		return nil, parley.Errorf(parley.EINVALID, "The status must be received or decided.").Keyed("badStatus")
	}
	q, err := noticeQuery(siteID, status, cursor)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.ComplaintPage(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("complaints: %w", err)
	}
	page := &ComplaintPage{Items: cs}
	if len(cs) > noticePageSize {
		page.Items = cs[:noticePageSize]
		last := page.Items[noticePageSize-1]
		page.Next = pageCursor(last.CreatedAt, last.Reference)
	}
	return page, nil
}

// ComplaintDecision is a moderator's decision on a complaint.
type ComplaintDecision struct {
	SiteID    string
	Reference string
	Outcome   string // parley.OutcomeUpheld or OutcomeReversed
	Note      string
}

// ComplaintDecided is a complaint's decision as stored, with the audit
// entries written with it (the reversal's first, then complaint.decided).
type ComplaintDecided struct {
	Complaint *parley.Complaint
	Entries   []*parley.AuditEntry
}

// DecideComplaint decides a complaint in one unit of work, by a moderator
// other than the one who took the contested decision (authorizeReview):
// reversed restores a comment (approved) or lifts a sanction, each
// audited with the complaint's reference; the complaint is marked decided
// (complaint.decided) and its author mailed the outcome when their
// account has an address. ECONFLICT (complaintDecided) when it was
// decided already. RoleModerator.
func (s *Service) DecideComplaint(ctx context.Context, d ComplaintDecision) (*ComplaintDecided, error) {
	if d.Outcome != parley.OutcomeUpheld && d.Outcome != parley.OutcomeReversed {
		return nil, errComplaintOutcome
	}
	note, err := cleanText(d.Note, "note", true)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(note) > maxNoteLength {
		return nil, parley.Errorf(parley.EINVALID, "A note is at most %d characters.", maxNoteLength)
	}
	site, err := s.Site(ctx, d.SiteID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actDecideComplain, nil); err != nil {
		return nil, err
	}
	c, err := s.store.Complaint(ctx, site.ID, d.Reference)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errNoComplaint
	}
	if err != nil {
		return nil, fmt.Errorf("read complaint: %w", err)
	}
	e, _, err := s.decision(ctx, site.ID, c.EntryID)
	if err != nil {
		return nil, err
	}
	a, err := authorizeReview(ctx, site, e.ActorID)
	if err != nil {
		return nil, err
	}
	to := s.complainantAddress(ctx, c.UserID)
	var out *ComplaintDecided
	var restored []decided
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		out, restored = &ComplaintDecided{}, nil // a unit may run again after a failed group commit
		c, err := tx.Complaint(ctx, site.ID, d.Reference)
		if err != nil {
			return fmt.Errorf("read complaint: %w", err)
		}
		if c.Status == parley.ComplaintDecided {
			return errComplaintDecided
		}
		now := s.now()
		c.Status, c.Outcome, c.Note, c.DecidedBy, c.DecidedAt = parley.ComplaintDecided, d.Outcome, note, a.User.ID, now
		if c.Outcome == parley.OutcomeReversed {
			r, err := s.reverseDecision(ctx, tx, e, c)
			if err != nil {
				return err
			}
			if r != nil {
				out.Entries = append(out.Entries, r.entry)
			}
			if r != nil && r.entry.CommentID != "" {
				restored = append(restored, *r) // a comment's change is announced
			}
		}
		if err := tx.UpdateComplaint(ctx, c, parley.ComplaintReceived); err != nil {
			if parley.ErrorCode(err) == parley.ECONFLICT {
				return errComplaintDecided
			}
			return fmt.Errorf("update complaint: %w", err)
		}
		done := &parley.AuditEntry{SiteID: site.ID, Action: parley.AuditComplaintDecided, StoryID: e.StoryID, CommentID: e.CommentID,
			UserID: c.UserID, ActorID: a.User.ID, Reason: c.Outcome, Note: note, Ref: c.Reference,
			Before: parley.ComplaintReceived, After: parley.ComplaintDecided, CreatedAt: now}
		if err := tx.AppendAudit(ctx, done); err != nil {
			return fmt.Errorf("audit complaint decision: %w", err)
		}
		out.Complaint, out.Entries = c, append(out.Entries, done)
		if to != "" {
			return enqueue(ctx, tx, complaintOutcomeMail(c, to))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.announce(ctx, restored)
	return out, nil
}

// complainantAddress is where a complaint's outcome is mailed: the
// author's account address, "" when there is none or no mail is sent.
func (s *Service) complainantAddress(ctx context.Context, userID string) string {
	if !s.sendsMail() {
		return ""
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return ""
	}
	return u.Email
}

// reverseDecision undoes the contested decision e in the unit: a removed
// or restricted comment that is still as the decision left it is approved
// again, a sanction is lifted. It returns what it changed, nil when there
// was nothing left to undo (the author deleted the comment since, the
// sanction was lifted already).
func (s *Service) reverseDecision(ctx context.Context, tx parley.Tx, e *parley.AuditEntry, c *parley.Complaint) (*decided, error) {
	r := &parley.AuditEntry{SiteID: c.SiteID, UserID: e.UserID, ActorID: c.DecidedBy, Note: c.Note, Ref: c.Reference, CreatedAt: c.DecidedAt}
	switch {
	case e.Action == parley.AuditNoticeDecided:
		return nil, reopenNotice(ctx, tx, e)
	case e.CommentID == "":
		return s.liftSanction(ctx, tx, e, r)
	}
	cm, err := tx.Comment(ctx, e.CommentID)
	if err != nil {
		return nil, fmt.Errorf("read contested comment: %w", err)
	}
	if cm.Status != e.After {
		return nil, nil
	}
	r.Action, r.StoryID, r.CommentID, r.Before, r.After = parley.AuditApproved, cm.StoryID, cm.ID, cm.Status, parley.StatusApproved
	if err := s.setStatus(ctx, tx, cm, parley.StatusApproved); err != nil {
		return nil, err
	}
	return &decided{r, cm.Status}, appendAudit(ctx, tx, r)
}

// reopenNotice undoes a notice's decision for its notifier's reversed
// complaint: the notice goes back to review, for a moderator to decide
// again. What the decision did to the comment stands until then; the
// complaint's own entry (complaint.decided) records the reversal.
func reopenNotice(ctx context.Context, tx parley.Tx, e *parley.AuditEntry) error {
	n, err := noticeIn(ctx, tx, e.SiteID, e.Ref)
	if err != nil || n.Status != parley.NoticeDecided {
		return err
	}
	n.Status, n.Action, n.Ground, n.Basis, n.Note, n.DecidedBy, n.DecidedAt = parley.NoticeInReview, "", "", "", "", "", time.Time{}
	if err := tx.UpdateNotice(ctx, n, parley.NoticeDecided); err != nil {
		return fmt.Errorf("reopen notice: %w", err)
	}
	return nil
}

// StatementFor returns the statement of reasons of the decision entryID
// for its subject (Art. 17): the caller must be the person the decision
// concerns, on their own site, as for a complaint. EINVALID
// (complaintNotDecision) for an entry that decides nothing.
func (s *Service) StatementFor(ctx context.Context, entryID int64) (*dsa.Statement, error) {
	_, e, n, err := s.ownDecision(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if !dsa.OwesStatement(e, n) {
		return nil, errComplaintNotDecision
	}
	st := dsa.StatementOf(e, n)
	return &st, nil
}

// ownDecision loads the decision of audit entry entryID, with its notice
// if it was taken on one, for the person it concerns: on the caller's own
// site, so that a decision of another site is not found, and only for its
// subject (authorizeSubject).
func (s *Service) ownDecision(ctx context.Context, entryID int64) (*parley.Site, *parley.AuditEntry, *parley.Notice, error) {
	a := parley.ActorFrom(ctx)
	if a == nil {
		return nil, nil, nil, policies[actComplain].guest
	}
	site, err := s.Site(ctx, a.SiteID)
	if err != nil {
		return nil, nil, nil, err
	}
	e, n, err := s.decision(ctx, site.ID, entryID)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := authorizeSubject(ctx, site, actComplain, e.UserID); err != nil {
		return nil, nil, nil, err
	}
	return site, e, n, nil
}
