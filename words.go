package parley

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Word lists: a comment with an entry of the banned list is rejected, one
// with an entry of the suspect list waits for a moderator.
const (
	WordsBanned  = "banned"
	WordsSuspect = "suspect"
)

// Bounds of a site's word lists.
const (
	// MaxWordLength bounds an entry in bytes; the matcher refuses
	// entries of more than 64 runes anyway.
	MaxWordLength = 256
	// MaxWords bounds one list of a site and language: the matcher stays
	// well under a millisecond a comment at this size.
	MaxWords = 20000
	// MaxWordsChange bounds the entries of one AddWords or RemoveWords.
	MaxWordsChange = 5000
)

// ValidWordList reports whether l names a word list.
func ValidWordList(l string) bool { return l == WordsBanned || l == WordsSuspect }

// WordLang returns the language a word list is kept under for the tag
// ("de-AT" is "de"), "" if tag is not a language tag.
func WordLang(tag string) string {
	lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if len(lang) < 2 || len(lang) > 3 {
		return ""
	}
	for _, c := range lang {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return lang
}

// CheckWord returns EINVALID (key badWord) unless w may be stored as an
// entry: trimmed, valid UTF-8, no control characters, at most
// MaxWordLength bytes.
func CheckWord(w string) error {
	if w == "" || len(w) > MaxWordLength || !utf8.ValidString(w) || strings.TrimSpace(w) != w {
		return Errorf(EINVALID, "A word list entry is 1 to %d bytes of text without leading or trailing spaces.", MaxWordLength).Keyed("badWord")
	}
	for _, r := range w {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return Errorf(EINVALID, "A word list entry has no control characters.").Keyed("badWord")
		}
	}
	return nil
}

// WordStore keeps the word lists of sites: a Tx's writes.
type WordStore interface {
	// AddWords adds the entries to a site's list of a language and
	// returns how many were new (an entry already listed is left as it
	// is). ENOTFOUND if the site does not exist.
	AddWords(ctx context.Context, siteID, list, lang string, words []string, at time.Time) (int, error)
	// RemoveWords removes the entries and returns how many were listed.
	RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (int, error)
}

// WordReader reads the word lists of sites.
type WordReader interface {
	// Words returns a site's list of a language, in byte order; empty
	// when the site has none.
	Words(ctx context.Context, siteID, list, lang string) ([]string, error)
}
