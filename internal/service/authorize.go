package service

import (
	"context"

	"parley"
)

// action is what a caller asks to do on a site. Each use case names its
// action and lets authorize decide, so that who may do what is written
// once, here, and a new action (moderate, ban, change the site) is one
// more row in policies rather than checks copied into another use case.
type action string

// The actions of readers. Moderators' and admins' actions join them with
// the least role they need.
const (
	actPost      action = "post"
	actEditOwn   action = "edit own"
	actDeleteOwn action = "delete own"
	actReact     action = "react"
	actUnreact   action = "withdraw reaction"
	actReport    action = "report"
	actReadOwn   action = "read own state"
	actAccount   action = "manage own account"

	// The moderation pipeline's (issue 8, part pipeline).
	actManageWords action = "manage word lists"
)

// The actions of moderators on their site's queues, comments, users and
// stories (admins, above them, may do them all).
const (
	actReadQueue action = "read queue"
	actModerate  action = "moderate"
	actSanction  action = "sanction"
	actAudit     action = "read audit"
)

// The actions of the Digital Services Act's notice and action (dsa): a
// notice of illegal content may come from anyone, a decision on it only
// from a moderator, and a complaint only from the decision's subject.
const (
	actNotice         action = "file a notice"
	actDecideNotice   action = "decide notices"
	actComplain       action = "contest a decision"
	actDecideComplain action = "decide complaints"
)

// The actions of the inbox and webhooks (inbox): a reader reads and
// marks their own notifications, signed in or with their commenter token;
// a site's webhooks are its admins' alone, as an endpoint receives every
// comment, decision and notice of the site.
const (
	actInbox    action = "read own inbox"
	actWebhooks action = "manage webhooks"
)

// The actions of the pre-moderation rules in the desk (desksettings): a
// site's rules decide what all its readers see, so they are its admins' to
// change and its moderators' to read; one story's rule is a moderator's
// call, as closing the story is.
const (
	actReadRules action = "read moderation rules"
	actSetRules  action = "change moderation rules"
	actStoryRule action = "change a story's rule"
)

// target says how an action on a comment depends on who wrote it.
type target int

const (
	anyTarget  target = iota
	authorOnly        // only its author may
	notAuthor         // anyone but its author may
)

// policy is who may do one action.
type policy struct {
	// role is the least role the caller needs on the site.
	role parley.Role
	// guests says whether a caller without an identity on the site may do
	// the action anyway (an anonymous reader posting where the site allows
	// it; nil: never); guest refuses those who may not.
	guests func(site *parley.Site) bool
	guest  *parley.Error
	// strangers, when true, treats an actor of another site as a guest
	// instead of refusing them: reading one's own state there is reading
	// nothing.
	strangers bool
	target    target
	// operators, when true, lets the operator in (WithOperator): the
	// command line, which holds the database anyway.
	operators bool
	// barred says that a banned or suspended actor may not do the action.
	barred bool
}

var (
	errSignIn     = parley.Errorf(parley.EUNAUTHORIZED, "Please sign in to take part.").Keyed("signInRequired")
	errOwnToken   = parley.Errorf(parley.EUNAUTHORIZED, "Please sign in or use the token you were given when you posted.").Keyed("authorRequired")
	errIdentity   = parley.Errorf(parley.EUNAUTHORIZED, "Reacting and reporting need the commenter token that your first comment gave you.").Keyed("identityRequired")
	errOtherSite  = parley.Errorf(parley.EFORBIDDEN, "This commenter belongs to another site.").Keyed("otherSite")
	errNotAuthor  = parley.Errorf(parley.EFORBIDDEN, "Only its author may change a comment.").Keyed("notAuthor")
	errOwnComment = parley.Errorf(parley.EFORBIDDEN, "You cannot do this to your own comment.").Keyed("ownComment")
	errRole       = parley.Errorf(parley.EFORBIDDEN, "Your role on this site does not allow this.").Keyed("roleTooLow")
	errAccount    = parley.Errorf(parley.EUNAUTHORIZED, "Please sign in to see and manage your account.").Keyed("signInRequired")
	errInbox      = parley.Errorf(parley.EUNAUTHORIZED, "Please sign in, or use the token you were given when you posted, to see your notifications.").Keyed("identityRequired")
	errBanned     = parley.Errorf(parley.EFORBIDDEN, "You are banned from this site.").Keyed("banned")
	errSelf       = parley.Errorf(parley.EFORBIDDEN, "You cannot sanction yourself.").Keyed("sanctionSelf")
	errOutranks   = parley.Errorf(parley.EFORBIDDEN, "You can only sanction users whose role is below yours.").Keyed("sanctionRole")
)

func always(*parley.Site) bool      { return true }
func anonymous(s *parley.Site) bool { return s.AllowAnonymous }

// policies holds the rule of every action. Reactions and reports never
// let a guest in: if they did, each token-less call would count as one
// more reader, and anyone could stuff a count or a moderation queue with a
// loop. An identity costs a comment.
var policies = map[action]policy{
	actPost:      {role: parley.RoleCommenter, guests: anonymous, guest: errSignIn, barred: true},
	actEditOwn:   {role: parley.RoleCommenter, guest: errOwnToken, target: authorOnly, barred: true},
	actDeleteOwn: {role: parley.RoleCommenter, guest: errOwnToken, target: authorOnly},
	actReact:     {role: parley.RoleCommenter, guest: errIdentity, target: notAuthor, barred: true},
	actUnreact:   {role: parley.RoleCommenter, guest: errIdentity},
	actReport:    {role: parley.RoleCommenter, guest: errIdentity, target: notAuthor, barred: true},
	actReadOwn:   {role: parley.RoleCommenter, guests: always, strangers: true},
	actAccount:   {role: parley.RoleCommenter, guest: errAccount},

	actReadQueue:   {role: parley.RoleModerator, guest: errSignIn},
	actModerate:    {role: parley.RoleModerator, guest: errSignIn},
	actSanction:    {role: parley.RoleModerator, guest: errSignIn},
	actAudit:       {role: parley.RoleModerator, guest: errSignIn},
	actManageWords: {role: parley.RoleModerator, guest: errSignIn},
	// Art. 16 lets anyone send a notice, signed in or not, also readers of
	// another site; the limits per address and per comment stand between a
	// flood and the queue (see notice.go).
	actNotice:         {role: parley.RoleNone, guests: always, strangers: true},
	actDecideNotice:   {role: parley.RoleModerator, guest: errSignIn},
	actComplain:       {role: parley.RoleCommenter, guest: errOwnToken},
	actDecideComplain: {role: parley.RoleModerator, guest: errSignIn},

	actInbox:    {role: parley.RoleCommenter, guest: errInbox},
	actWebhooks: {role: parley.RoleAdmin, guest: errSignIn, operators: true},

	actReadRules: {role: parley.RoleModerator, guest: errSignIn},
	actSetRules:  {role: parley.RoleAdmin, guest: errSignIn},
	actStoryRule: {role: parley.RoleModerator, guest: errSignIn},
}

type operatorKey struct{}

// WithOperator marks ctx as the operator's: the command line, run by
// whoever holds the database and its configuration. Only the actions whose
// policy says operators may are let through by it; no request handler
// ever calls it.
func WithOperator(ctx context.Context) context.Context {
	return context.WithValue(ctx, operatorKey{}, true)
}

// authorize decides whether the caller in ctx may do act on site, to
// comment c for the actions on a comment (nil otherwise). It returns the
// caller's actor, or nil for a guest that the action lets in. The steps,
// in order:
//
//   - a browser on an origin the site has not allowed may do nothing there
//     (EFORBIDDEN, key originNotAllowed);
//   - a caller without an identity is a guest: let in or refused as the
//     action says (EUNAUTHORIZED);
//   - an actor of another site holds no role here (EFORBIDDEN), and one
//     whose role is below the action's is refused (EFORBIDDEN);
//   - on a comment, the author alone may change it (EFORBIDDEN), and may
//     not react to or report it (EFORBIDDEN, key ownComment);
//   - a banned or suspended actor may not do what sanctions bar: post,
//     edit (which would write anew), react, report (EFORBIDDEN, key
//     banned or suspended, with its end); deleting their own comments,
//     reading and their account stay theirs.
func authorize(ctx context.Context, site *parley.Site, act action, c *parley.Comment) (*parley.Actor, error) {
	p, ok := policies[act]
	if !ok || (p.target != anyTarget && c == nil) {
		return nil, parley.Errorf(parley.EINTERNAL, "authorize: no policy for %q on %v", act, c)
	}
	if p.operators && ctx.Value(operatorKey{}) != nil {
		return nil, nil
	}
	if o := parley.OriginFrom(ctx); o != "" && !site.AllowsOrigin(o) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "This site does not accept requests from %s.", o).Keyed("originNotAllowed")
	}
	a := parley.ActorFrom(ctx)
	if a != nil && a.SiteID != site.ID && p.strangers {
		a = nil
	}
	switch {
	case a == nil && p.guests != nil && p.guests(site):
		return nil, nil
	case a == nil:
		return nil, p.guest
	case a.SiteID != site.ID:
		return nil, errOtherSite
	case a.RoleOn(site.ID) < p.role:
		return nil, errRole
	}
	if err := onComment(a, p.target, c); err != nil {
		return nil, err
	}
	if p.barred {
		if err := sanctioned(a.User.Sanctions); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// sanctioned returns the refusal of a user under a ban or a suspension,
// nil for anyone else. Suspensions run on the wall clock, from their start
// (Service.Sanction) to this check: authorize has no other, and a
// service's test clock (WithClock) is for its time windows, not for
// sanctions.
func sanctioned(s parley.Sanctions) error {
	switch {
	case s.Banned():
		return errBanned
	case s.Suspended(parley.Now()):
		return parley.ErrSuspended(s.SuspendedUntil)
	}
	return nil
}

// authorizeSanction decides whether the caller in ctx may sanction (warn,
// suspend, ban, reinstate) user u of site, or write a note on them: a
// moderator may, but never on themselves, and only on a user whose role
// is below their own, so that a moderator cannot sanction another
// moderator or an admin, and an admin no other admin.
func authorizeSanction(ctx context.Context, site *parley.Site, u *parley.User) (*parley.Actor, error) {
	a, err := authorize(ctx, site, actSanction, nil)
	switch {
	case err != nil:
		return nil, err
	case u.ID == a.User.ID:
		return nil, errSelf
	case u.UserRole() >= a.Role:
		return nil, errOutranks
	}
	return a, nil
}

// onComment applies an action's target rule to comment c.
func onComment(a *parley.Actor, t target, c *parley.Comment) error {
	switch {
	case t == authorOnly && c.AuthorID != a.User.ID:
		return errNotAuthor
	case t == notAuthor && c.AuthorID == a.User.ID:
		return errOwnComment
	}
	return nil
}

var (
	errNotSubject    = parley.Errorf(parley.EFORBIDDEN, "Only the person the decision concerns may contest it.").Keyed("complaintNotYours")
	errSameModerator = parley.Errorf(parley.EFORBIDDEN, "A complaint must be reviewed by a moderator other than the one who took the decision.").Keyed("complaintSameModerator")
)

// authorizeSubject is authorize for an action only the subject of a
// decision may take (a complaint, Art. 20): the caller must be subjectID.
func authorizeSubject(ctx context.Context, site *parley.Site, act action, subjectID string) (*parley.Actor, error) {
	a, err := authorize(ctx, site, act, nil)
	if err != nil {
		return nil, err
	}
	if a == nil || a.User.ID != subjectID {
		return nil, errNotSubject
	}
	return a, nil
}

// authorizeReview is authorize for deciding a complaint against a
// decision that decidedBy took ("" for Parley's own): Art. 20(6) wants it
// reviewed by someone else, so the moderator who decided may not.
func authorizeReview(ctx context.Context, site *parley.Site, decidedBy string) (*parley.Actor, error) {
	a, err := authorize(ctx, site, actDecideComplain, nil)
	if err != nil {
		return nil, err
	}
	if decidedBy != "" && a.User.ID == decidedBy {
		return nil, errSameModerator
	}
	return a, nil
}
