package parley

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

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

// sessionTokenPrefix marks session tokens so that the session method
// claims them alone and secret scanners recognize them.
const sessionTokenPrefix = "pss_"

// sessionTokenLength is the prefix and 32 random bytes in base64url.
const sessionTokenLength = len(sessionTokenPrefix) + 43

// NewSessionToken returns a new session token and the hash the store keeps.
func NewSessionToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails: see crypto/rand.Read.
	token = sessionTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashSessionToken(token)
}

// HashSessionToken is what the store keeps of a session token. A plain
// SHA-256 suffices: the token holds 256 random bits, nothing to guess.
func HashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IsSessionToken reports whether s is marked as a session token.
func IsSessionToken(s string) bool { return strings.HasPrefix(s, sessionTokenPrefix) }

// WellFormedSessionToken reports whether s has the shape NewSessionToken
// gives, so that a token that cannot exist is refused without a query.
func WellFormedSessionToken(s string) bool {
	if len(s) != sessionTokenLength || !IsSessionToken(s) {
		return false
	}
	for _, c := range s[len(sessionTokenPrefix):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
