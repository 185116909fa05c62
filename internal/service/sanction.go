package service

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"parley"
)

// Kinds of sanction.
const (
	SanctionWarn      = "warn"
	SanctionSuspend   = "suspend"
	SanctionBan       = "ban"
	SanctionReinstate = "reinstate"
)

// Bounds of a suspension, and of the message a sanctioned user is shown.
const (
	MinSuspension    = time.Hour
	MaxSuspension    = 365 * 24 * time.Hour
	maxMessageLength = 2000
)

// Sanction is a moderator's measure against a user of their site.
type Sanction struct {
	SiteID, UserID string
	Kind           string        // warn, suspend, ban, reinstate
	Duration       time.Duration // suspend only
	Reason         string        // one of parley.RejectReasons
	Message        string        // shown to the user in their notifications
}

// Sanction records a warning, a suspension, a ban or the lifting of both
// (reinstate), with its audit entry, in one unit of work; the entry's Note
// is the message the user is shown. A ban or suspension bars the user from
// posting, reacting and reporting (see authorize). A sanction that changes
// nothing (banning the banned, reinstating someone in good standing)
// returns a nil entry and writes nothing.
func (s *Service) Sanction(ctx context.Context, sn Sanction) (*parley.AuditEntry, error) {
	if err := checkSanction(sn); err != nil {
		return nil, err
	}
	msg, err := cleanText(sn.Message, "message", true)
	if err != nil {
		return nil, err
	}
	switch {
	case utf8.RuneCountInString(msg) > maxMessageLength:
		return nil, parley.Errorf(parley.EINVALID, "A message is at most %d characters.", maxMessageLength).Keyed("noteTooLong")
	case sn.Reason == parley.ReasonOther && msg == "":
		return nil, errNoteFor
	}
	site, u, err := s.siteUser(ctx, sn.SiteID, sn.UserID)
	if err != nil {
		return nil, err
	}
	a, err := authorizeSanction(ctx, site, u)
	if err != nil {
		return nil, err
	}
	// Sanctions run on the wall clock, which authorize checks them by.
	now := parley.Now()
	next, action := applySanction(u.Sanctions, sn, now)
	if next == u.Sanctions {
		return nil, nil
	}
	e := &parley.AuditEntry{SiteID: site.ID, Action: action, UserID: u.ID, ActorID: a.User.ID, Reason: sn.Reason,
		Note: msg, Before: standingText(u.Sanctions, now), After: standingText(next, now), CreatedAt: s.now()}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.SetSanctions(ctx, u.ID, next); err != nil {
			return fmt.Errorf("set sanctions: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	s.publishEvent(ctx, parley.Event{Type: parley.EventUserChanged, SiteID: site.ID, UserID: u.ID})
	s.publishEvent(ctx, parley.Event{Type: parley.EventQueueChanged, SiteID: site.ID})
	return e, nil
}

// checkSanction checks a sanction's kind, duration and reason.
func checkSanction(sn Sanction) error {
	switch sn.Kind {
	case SanctionWarn, SanctionSuspend, SanctionBan, SanctionReinstate:
	default:
		return parley.Errorf(parley.EINVALID, "The kind must be warn, suspend, ban or reinstate.").Keyed("badSanction")
	}
	switch {
	case sn.Kind == SanctionSuspend && (sn.Duration < MinSuspension || sn.Duration > MaxSuspension):
		return parley.Errorf(parley.EINVALID, "A suspension lasts from an hour to a year.").Keyed("suspensionLength")
	case sn.Kind != SanctionSuspend && sn.Duration != 0:
		return parley.Errorf(parley.EINVALID, "Only a suspension has a duration.").Keyed("suspensionLength")
	case sn.Kind == SanctionReinstate && sn.Reason == "":
		return nil
	case !parley.ValidRejectReason(sn.Reason):
		return errReason
	}
	return nil
}

// applySanction returns the sanctions sn leaves behind it, from cur at now,
// and the audit action that records it.
func applySanction(cur parley.Sanctions, sn Sanction, now time.Time) (parley.Sanctions, string) {
	next := cur
	switch sn.Kind {
	case SanctionWarn:
		next.WarnedAt = now
		return next, parley.AuditWarned
	case SanctionSuspend:
		next.SuspendedUntil = now.Add(sn.Duration)
		return next, parley.AuditSuspended
	case SanctionBan:
		if !cur.Banned() {
			next.BannedAt = now
		}
		return next, parley.AuditBanned
	}
	if cur.State(now) == parley.StandingActive {
		return cur, parley.AuditReinstated // nothing to lift
	}
	return parley.Sanctions{}, parley.AuditReinstated
}

// standingText is a standing as the audit log keeps it: its name, and a
// suspension's end.
func standingText(sn parley.Sanctions, now time.Time) string {
	st := sn.State(now)
	if st == parley.StandingSuspended {
		return st + " until " + sn.SuspendedUntil.UTC().Format(time.RFC3339)
	}
	return st
}

// siteUser loads a site and one of its users; a user of another site is
// not found.
func (s *Service) siteUser(ctx context.Context, siteID, userID string) (*parley.Site, *parley.User, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, nil, err
	}
	if !validFilter(userID) || userID == "" {
		return nil, nil, errNoUser
	}
	u, err := s.store.User(ctx, userID)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND, err == nil && u.SiteID != site.ID:
		return nil, nil, errNoUser
	case err != nil:
		return nil, nil, fmt.Errorf("user %s: %w", userID, err)
	}
	return site, u, nil
}

var errNoUser = parley.Errorf(parley.ENOTFOUND, "There is no such user on this site.")
