package parley

import "time"

// User is someone who writes on a site. Readers who post without an account
// get a User too, known by the hash of the commenter token they were given.
type User struct {
	ID     string
	SiteID string
	Name   string // display name: plain text, never HTML

	// TokenHash is the hex SHA-256 of the commenter token. The token itself
	// is shown once, to its owner, and never stored.
	TokenHash string
	// Email is the address a sign-in method vouched for; never shown.
	Email string
	// Badges are the labels the publisher gives the reader ("subscriber").
	Badges []string
	// Role is what the user may do on their site. A commenter who posted
	// without an account, and every user stored before roles, is
	// RoleCommenter; the zero value reads as that too (UserRole).
	Role Role

	// Sanctions are the moderators' measures against the user (SetSanctions).
	Sanctions Sanctions
	// Counts are kept by the store; writes of the user ignore them.
	Counts UserCounts

	CreatedAt time.Time
}

// UserRole is the user's role on their site: RoleCommenter when none was
// stored.
func (u *User) UserRole() Role {
	if u.Role == RoleNone {
		return RoleCommenter
	}
	return u.Role
}

// commenterTokens marks commenter tokens so that they are recognizable in
// logs and secret scanners, and cannot be confused with the session and
// SSO tokens that also arrive as "Authorization: Bearer".
const commenterTokens tokenKind = "pct_"

// NewCommenterToken returns a new commenter token and the hash the store
// keeps of it (User.TokenHash).
func NewCommenterToken() (token, hash string) { return commenterTokens.issue() }

// HashCommenterToken is what the store keeps of a token: a leaked database
// does not let anyone act as a commenter.
func HashCommenterToken(token string) string { return hashToken(token) }

// IsCommenterToken reports whether s is marked as a commenter token, right
// or wrong: such a credential is answered by the commenter-token method
// alone, which refuses it unless WellFormedCommenterToken.
func IsCommenterToken(s string) bool { return commenterTokens.marks(s) }

// WellFormedCommenterToken reports whether s has the shape NewCommenterToken
// gives, so that a token that cannot exist is refused without a query.
func WellFormedCommenterToken(s string) bool { return commenterTokens.wellFormed(s) }
