// Package dsa holds what Parley tells people under the EU Digital Services
// Act (Regulation (EU) 2022/2065): the statement of reasons a moderation
// decision owes its subject (Art. 17), derived from the decision's audit
// entry and, when the decision answered one, the notice (Art. 16), and
// rendered in the reader's language. It is pure: the service and the
// notification inbox call it with what they have read.
package dsa

import (
	"strings"
	"time"

	"parley"
	"parley/internal/i18n"
)

// Decisions a statement of reasons speaks of.
const (
	DecisionRemoved    = "removed"    // a comment rejected
	DecisionRestricted = "restricted" // a comment withheld from the public thread
	DecisionWarned     = "warned"
	DecisionSuspended  = "suspended"
	DecisionBanned     = "banned"
)

// Statement is the statement of reasons of one decision: what was
// decided, on what ground, on which facts, whether automation was
// involved, and how to contest it (Art. 17(3)).
type Statement struct {
	EntryID   int64 // the decision's AuditEntry; what a complaint names
	SiteID    string
	CommentID string // "" for a sanction
	UserID    string // the decision's subject
	Decision  string // Decision*; "" when the entry is no decision that owes a statement
	Until     time.Time

	Ground    string // parley.GroundLaw or parley.GroundTerms
	Provision string // the provision of law, for GroundLaw
	Reason    string // one of parley.RejectReasons, for GroundTerms

	NoticeRef  string // the notice the decision answered, "" for none
	NoticeKind string
	NoticeAt   time.Time
	Note       string // the moderator's explanation of the facts

	Automated bool // decided by automated means (Art. 17(3)(c))
	Detected  bool // detected or held back by automated means

	DecidedAt    time.Time
	ContestUntil time.Time // the end of the time to complain (Art. 20(1))
}

// StatementOf returns the statement of reasons of the decision e; n is the
// notice the decision answered, nil for none. A statement whose Decision
// is "" owes nothing (an approval, a note, a feature).
func StatementOf(e *parley.AuditEntry, n *parley.Notice) Statement {
	s := Statement{
		EntryID: e.ID, SiteID: e.SiteID, CommentID: e.CommentID, UserID: e.UserID,
		Decision: decisionOf(e, n), Ground: parley.GroundTerms, Reason: e.Reason, Note: e.Note,
		Automated: e.Automated, Detected: e.Automated || (n == nil && e.Before == parley.StatusPending),
		DecidedAt: e.CreatedAt, ContestUntil: e.CreatedAt.Add(parley.ComplaintWindow),
	}
	if e.Action == parley.AuditSuspended {
		// After is "suspended until " and the end, as the sanctions
		// write it; a bare time is read too.
		s.Until, _ = time.Parse(time.RFC3339, strings.TrimPrefix(e.After, parley.StandingSuspended+" until "))
	}
	if n != nil {
		s.NoticeRef, s.NoticeKind, s.NoticeAt = n.Reference, n.Kind, n.CreatedAt
		if n.Ground == parley.GroundLaw {
			s.Ground, s.Provision, s.Reason = parley.GroundLaw, n.Basis, ""
		}
	}
	return s
}

// decisionOf names what e decided, "" for an entry that restricts nobody.
func decisionOf(e *parley.AuditEntry, n *parley.Notice) string {
	switch e.Action {
	case parley.AuditRejected:
		return DecisionRemoved
	case parley.AuditHeld:
		// The pipeline's holds send a comment to the queue and decide
		// nothing yet; a hold that answers a notice restricts it.
		if n != nil && n.Action == parley.ActionRestrict {
			return DecisionRestricted
		}
	case parley.AuditWarned:
		return DecisionWarned
	case parley.AuditSuspended:
		return DecisionSuspended
	case parley.AuditBanned:
		return DecisionBanned
	}
	return ""
}

// OwesStatement reports whether e is a decision that owes its subject a
// statement of reasons (Art. 17): it restricts someone it names.
func OwesStatement(e *parley.AuditEntry, n *parley.Notice) bool {
	return e.UserID != "" && decisionOf(e, n) != ""
}

// Contestable reports whether e is a decision its subject may complain
// about (Art. 20): one that owes a statement, or the decision on a notice,
// which its notifier may contest when they sent it signed in (the entry
// then names them).
func Contestable(e *parley.AuditEntry, n *parley.Notice) bool {
	return OwesStatement(e, n) || e.Action == parley.AuditNoticeDecided && e.UserID != ""
}

// Paragraphs renders the statement in lang as it stands at now (the time
// to complain may have ended): a title, then one paragraph each for the
// decision, its ground, the facts, automation and redress. A statement
// whose Decision is "" owes nothing and renders as nothing.
func (s Statement) Paragraphs(lang string, now time.Time) []string {
	if s.Decision == "" {
		return nil
	}
	p := i18n.For(lang)
	out := []string{p.T("dsa.statement.title") + " — " + p.T("dsa.statement.ref", s.EntryID, p.Date(s.DecidedAt)), s.decision(p)}
	if s.Ground == parley.GroundLaw {
		out = append(out, p.T("dsa.ground.law", s.Provision))
	} else {
		out = append(out, p.T("dsa.ground.terms", p.T("dsa.reason."+reasonKey(s.Reason))))
	}
	facts := p.T("dsa.facts.own")
	if s.NoticeRef != "" {
		facts = p.T("dsa.facts.notice", p.T("dsa.kind."+s.NoticeKind), p.Date(s.NoticeAt), s.NoticeRef)
	}
	if note := strings.TrimSpace(s.Note); note != "" {
		facts += " " + p.T("dsa.facts.note", note)
	}
	out = append(out, facts, s.automation(p))
	contest := p.T("dsa.contest.complaint", p.Date(s.ContestUntil))
	if !now.Before(s.ContestUntil) {
		contest = p.T("dsa.contest.closed", p.Date(s.ContestUntil))
	}
	return append(out, contest, p.T("dsa.contest.outOfCourt")+" "+p.T("dsa.contest.court"))
}

// Text renders the statement as plain text, paragraphs apart; "" for a
// statement that owes nothing.
func (s Statement) Text(lang string, now time.Time) string {
	ps := s.Paragraphs(lang, now)
	if ps == nil {
		return ""
	}
	return strings.Join(ps, "\n\n") + "\n"
}

func (s Statement) decision(p *i18n.Printer) string {
	switch {
	case s.Decision == DecisionSuspended && s.Until.IsZero():
		return p.T("dsa.decision.suspendedOpen")
	case s.Decision == DecisionSuspended:
		return p.T("dsa.decision.suspended", p.Date(s.Until))
	}
	return p.T("dsa.decision." + s.Decision)
}

func (s Statement) automation(p *i18n.Printer) string {
	decided, detected := p.T("dsa.auto.decidedNo"), p.T("dsa.auto.detectedNo")
	if s.Automated {
		decided = p.T("dsa.auto.decidedYes")
	}
	if s.Detected {
		detected = p.T("dsa.auto.detectedYes")
	}
	return decided + " " + detected
}

// reasonKey keeps a reason outside the closed list from printing a
// missing key: it reads as "another breach".
func reasonKey(r string) string {
	if parley.ValidRejectReason(r) {
		return r
	}
	return parley.ReasonOther
}
