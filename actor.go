package parley

import "fmt"

// Actor is who is asking: a person, the site their role is held on, that
// role, and how they proved who they are. An authentication method
// (internal/auth) resolves each request into at most one Actor, which
// travels in the context (WithActor); a request without one is anonymous.
// The service decides from the Actor alone what the request may do, so a
// new way to sign in (a session, publisher SSO, OIDC, an e-mail link, a
// passkey) is a new Method and changes no rule.
type Actor struct {
	User *User // never nil
	// SiteID is the site Role is held on. Roles are per site: an actor has
	// no role, and so no rights, on any other (RoleOn).
	SiteID string
	Role   Role
	// Method names how the actor proved who they are: MethodToken today;
	// "session", "sso", "oidc", "email" and "passkey" as they land. It is
	// for rules that trust one way more than another (a site may require
	// staff to use a passkey) and for logs, never a secret.
	Method string
	// Session is the hash of the session the request came with, when
	// Method is MethodSession: what signing out revokes.
	Session string
	// SignedInBy is how that session was made (Session.Method: "sso",
	// "oidc", "email", "passkey"), for rules that trust one way more than
	// another, such as who may add a passkey; "" without a session.
	SignedInBy string
}

// MethodToken is the commenter token that a reader's first comment gave
// them (see User.TokenHash).
const MethodToken = "token"

// RoleOn returns the actor's role on site siteID: their Role there, and
// RoleNone on every other site and for a nil (anonymous) actor.
func (a *Actor) RoleOn(siteID string) Role {
	if a == nil || a.SiteID != siteID {
		return RoleNone
	}
	return a.Role
}

// Role is what a person may do on one site. Roles are ordered: each may do
// everything the roles before it may, so a rule says the least role it
// needs ("at least moderator") and a higher role passes it.
type Role int

// The roles in their order. RoleNone is the zero value: no actor holds it
// on their own site, and everyone holds it on the sites they do not
// belong to.
const (
	RoleNone      Role = iota
	RoleCommenter      // writes, edits and deletes their own comments; reacts and reports
	RoleStaff          // a commenter whose comments carry the site's staff badge
	RoleModerator      // decides on other people's comments and on commenters
	RoleAdmin          // changes the site's settings and grants roles
)

var roleNames = [...]string{RoleNone: "none", RoleCommenter: "commenter", RoleStaff: "staff", RoleModerator: "moderator", RoleAdmin: "admin"}

// String returns the role's name as the API, the CLI and the database
// spell it ("commenter", "staff", "moderator", "admin"; "none").
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("Role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole returns the role named s, as String spells it; EINVALID for
// any other name, and for "none", which nobody can be given.
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if name == s && Role(r) != RoleNone {
			return Role(r), nil
		}
	}
	return RoleNone, Errorf(EINVALID, "The role must be commenter, staff, moderator or admin.")
}
