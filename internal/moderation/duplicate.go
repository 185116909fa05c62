package moderation

import (
	"crypto/sha256"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
)

// BodyHash is what two comments compare by to be the same comment posted
// twice: SHA-256 of the body trimmed, case-folded (full Unicode folding,
// so "STRASSE" and "straße" match) and with every run of white space one
// space. Posting the same text again with another capital or a trailing
// newline is still posting it again; anything more (a changed word, an
// added link) is a new comment.
func BodyHash(body string) [sha256.Size]byte {
	folded := cases.Fold().String(strings.TrimSpace(body)) // a Caser is not safe to share
	var b strings.Builder
	b.Grow(len(folded))
	space := false
	for _, r := range folded {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return sha256.Sum256([]byte(b.String()))
}
