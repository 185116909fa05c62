package parley

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// tokenKind is one kind of bearer secret Parley hands out (commenter
// tokens, sessions): its prefix, then 32 random bytes in unpadded
// base64url. The prefix lets each authentication method claim its own
// kind, and secret scanners recognize them.
type tokenKind string

// tokenRandomLength is 32 bytes in unpadded base64url.
const tokenRandomLength = 43

// issue returns a new token of the kind and the hash the store keeps.
func (k tokenKind) issue() (token, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails: see crypto/rand.Read.
	token = string(k) + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

// marks reports whether s carries the kind's prefix, right or wrong.
func (k tokenKind) marks(s string) bool { return strings.HasPrefix(s, string(k)) }

// wellFormed reports whether s has the shape issue gives, so that a token
// that cannot exist is refused without a query.
func (k tokenKind) wellFormed(s string) bool {
	if len(s) != len(k)+tokenRandomLength || !k.marks(s) {
		return false
	}
	for _, c := range s[len(k):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hashToken is what the store keeps of a token: the hex SHA-256. A leaked
// database lets nobody act as anyone; the 256 random bits leave nothing to
// guess, so no slow hash is needed.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
