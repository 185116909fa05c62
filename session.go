package parley

import "time"

// DefaultSessionTTL is how long a session lasts unused on a new site: each
// use moves its end (sliding expiry), so a reader who comes back within
// that time stays signed in.
const DefaultSessionTTL = 30 * 24 * time.Hour

// MethodSession is the Actor.Method of a request signed in by a session.
const MethodSession = "session"

// Session is a signed-in reader's credential, known only by its hash: the
// token is shown once, to its owner, so a leaked database signs nobody in.
type Session struct {
	Hash      string // HashSessionToken of the token
	UserID    string
	SiteID    string
	Method    string // how the reader signed in: "sso", later "oidc", "email", "passkey"
	CreatedAt time.Time
	ExpiresAt time.Time
}

// sessionTokens marks session tokens so that the session method claims
// them alone and secret scanners recognize them.
const sessionTokens tokenKind = "pss_"

// NewSessionToken returns a new session token and the hash the store keeps.
func NewSessionToken() (token, hash string) { return sessionTokens.issue() }

// HashSessionToken is what the store keeps of a session token. A plain
// SHA-256 suffices: the token holds 256 random bits, nothing to guess.
func HashSessionToken(token string) string { return hashToken(token) }

// IsSessionToken reports whether s is marked as a session token.
func IsSessionToken(s string) bool { return sessionTokens.marks(s) }

// WellFormedSessionToken reports whether s has the shape NewSessionToken
// gives, so that a token that cannot exist is refused without a query.
func WellFormedSessionToken(s string) bool { return sessionTokens.wellFormed(s) }
