// Package parley holds Parley's domain: the sites, stories, comments,
// commenters, reactions and reports of a discussion system embedded under
// news articles, the error type every layer speaks, and the Store contract
// that each storage backend fulfils.
//
// It imports only the standard library, so every other package may depend on
// it and it depends on none of them.
package parley

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"time"
)

// idEncoding is Crockford's base32 alphabet in lower case: it sorts the same
// as the bytes it encodes, which keeps IDs ordered by creation time.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a sortable, unguessable identifier: 48 bits of Unix
// milliseconds followed by 80 random bits, as 26 base32 characters.
// IDs made in later milliseconds sort after earlier ones.
func NewID(now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	rand.Read(b[6:]) // never fails: see crypto/rand.Read.
	return idEncoding.EncodeToString(b[:])
}

// DerivedID returns an identifier in NewID's form whose 80 low bits come
// from the SHA-256 of parts instead of chance: the same time and parts give
// the same ID, so that an importer finds again, on a second run, the rows
// it wrote on the first. The parts are length-prefixed before hashing, so
// that ("ab", "c") and ("a", "bc") differ.
func DerivedID(at time.Time, parts ...string) string {
	sum := PartsSum(parts...)
	var b [16]byte
	ms := uint64(at.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	copy(b[6:], sum[:])
	return idEncoding.EncodeToString(b[:])
}

// PartsSum is the SHA-256 of parts, each prefixed with its length as 8
// bytes, so that ("ab", "c") and ("a", "bc") differ.
func PartsSum(parts ...string) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// Now returns the current time as Parley stores it: UTC, truncated to the
// millisecond, so that a value survives a round trip through every backend.
func Now() time.Time {
	return time.Now().UTC().Truncate(time.Millisecond)
}
