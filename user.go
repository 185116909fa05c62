package parley

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

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
	Role      Role
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

// commenterTokenPrefix marks commenter tokens so that they are
// recognizable in logs and secret scanners, and cannot be confused with
// the session and SSO tokens that also arrive as "Authorization: Bearer".
const commenterTokenPrefix = "pct_"

// commenterTokenLength is the prefix and 32 random bytes in unpadded
// base64url.
const commenterTokenLength = len(commenterTokenPrefix) + 43

// NewCommenterToken returns a new commenter token and the hash the store
// keeps of it (User.TokenHash).
func NewCommenterToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails: see crypto/rand.Read.
	token = commenterTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashCommenterToken(token)
}

// HashCommenterToken is what the store keeps of a token: a leaked database
// does not let anyone act as a commenter.
func HashCommenterToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IsCommenterToken reports whether s is marked as a commenter token, right
// or wrong: such a credential is answered by the commenter-token method
// alone, which refuses it unless WellFormedCommenterToken.
func IsCommenterToken(s string) bool { return strings.HasPrefix(s, commenterTokenPrefix) }

// WellFormedCommenterToken reports whether s has the shape NewCommenterToken
// gives, so that a token that cannot exist is refused without a query.
func WellFormedCommenterToken(s string) bool {
	if len(s) != commenterTokenLength || !IsCommenterToken(s) {
		return false
	}
	for _, c := range s[len(commenterTokenPrefix):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
