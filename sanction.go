package parley

import (
	"context"
	"errors"
	"time"
)

// Sanctions are the measures moderators took against a user on their site.
// A ban holds until it is lifted; a suspension until its end; a warning is
// kept as a mark, and neither stops anything. What they bar is decided in
// the service (authorize): a banned or suspended user cannot post, react
// or report.
type Sanctions struct {
	WarnedAt       time.Time // the last warning; zero for none
	SuspendedUntil time.Time // zero, or the end of a suspension (past or not)
	BannedAt       time.Time // zero unless banned
}

// EventUserChanged says that a user's sanctions changed, so that whatever
// holds the user in memory (the commenter-token method's cache) drops
// them and a ban holds at once. It travels on its own topic kind
// (TopicUsers), per site, with Event.UserID set, and is never appended to
// a story's event log.
const EventUserChanged = "user.changed"

// TopicUsers is the topic kind of EventUserChanged, per site.
const TopicUsers = "users"

// User standings: what Sanctions amount to at a moment.
const (
	StandingActive    = "active"
	StandingWarned    = "warned"
	StandingSuspended = "suspended"
	StandingBanned    = "banned"
)

// Suspended reports whether a suspension holds at now.
func (s Sanctions) Suspended(now time.Time) bool { return now.Before(s.SuspendedUntil) }

// Banned reports whether the user is banned.
func (s Sanctions) Banned() bool { return !s.BannedAt.IsZero() }

// State names the standing at now, the gravest first: banned, suspended,
// warned or active.
func (s Sanctions) State(now time.Time) string {
	switch {
	case s.Banned():
		return StandingBanned
	case s.Suspended(now):
		return StandingSuspended
	case !s.WarnedAt.IsZero():
		return StandingWarned
	}
	return StandingActive
}

// UserCounts are a user's comments by status, the reports their comments
// received and the moderators' notes on them. The store keeps them in the
// transaction of each change (Transition says how a status change moves
// them), so that a moderator sees a user's history at a glance without a
// count on read.
type UserCounts struct {
	Approved, Pending, Rejected int
	Reports                     int
	Notes                       int
}

// SanctionStore writes what moderators record about users.
type SanctionStore interface {
	// SetSanctions replaces a user's Sanctions; ENOTFOUND.
	SetSanctions(ctx context.Context, userID string, s Sanctions) error
	// CountNote raises the user's Counts.Notes, in the unit that appends
	// the note's AuditEntry; ENOTFOUND.
	CountNote(ctx context.Context, userID string) error
}

// suspension is the refusal of a suspended user, which knows when the
// suspension ends so that the API can say so beside its translated message.
type suspension struct {
	err   *Error
	until time.Time
}

func (s *suspension) Error() string { return s.err.Error() }
func (s *suspension) Unwrap() error { return s.err }

// ErrSuspended returns EFORBIDDEN with key suspended for a user suspended
// until until.
func ErrSuspended(until time.Time) error {
	return &suspension{
		err:   Errorf(EFORBIDDEN, "You are suspended on this site until %s.", until.UTC().Format(time.RFC3339)).Keyed("suspended"),
		until: until,
	}
}

// SuspendedUntil returns the end of the suspension that err refuses for;
// the zero time when err is no such refusal.
func SuspendedUntil(err error) time.Time {
	if s, ok := errors.AsType[*suspension](err); ok {
		return s.until
	}
	return time.Time{}
}

// Tally counts one more comment of status in the bucket the store keeps
// for it: approved, pending or rejected (a deleted comment is in none).
func (c *UserCounts) Tally(status string) {
	switch status {
	case StatusApproved:
		c.Approved++
	case StatusPending:
		c.Pending++
	case StatusRejected:
		c.Rejected++
	}
}
