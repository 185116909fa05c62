package moderation

import (
	"math"
	"strings"
	"unicode/utf8"
)

// maxText is the longest text Match reads; the rest is ignored. Spans are
// int32 to keep a unit small, and no comment comes near it.
const maxText = math.MaxInt32

// unit is one rune of the normalized reading of a text, with the span of the
// original text it came from. One original rune may give several units
// ("ß" gives "ss"), and a combining mark gives none but widens its letter's
// span.
type unit struct {
	r, alt     rune // the letter; alt is a second reading ('1' is i or l), 0 if none
	start, end int32
	class      class
}

// word reports whether u is part of a word once normalize has read the
// symbols and digits.
func (u unit) word() bool { return u.class != separator && u.class != dropped }

// maxGap is the most separator runes that may stand between the single
// letters of a spelled-out word ("i . d . i . o . t").
const maxGap = 3

// minSpelled is how many single letters in a row make a spelled-out word:
// three, so that "a idiot" and "I a m" stay words of their own, while
// "a.s.s" is read as "ass".
const minSpelled = 3

// Normalize returns the reading of s that entries are matched against:
// words of normalized letters, separated by single spaces. It is the one
// normalization of both the lists and the texts; Match uses it with the
// spans kept.
func Normalize(s string) string {
	var b strings.Builder
	gap := false
	for _, u := range normalize(nil, s) {
		if !u.word() {
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte(' ')
			gap = false
		}
		b.WriteRune(u.r)
	}
	return b.String()
}

// normalize appends the units of s to dst[:0]: folded (fold.go), then with
// leetspeak read in context (readSymbols, readDigits), then with the
// separators of spelled-out words removed (joinSpelled).
func normalize(dst []unit, s string) []unit {
	if len(s) > maxText {
		s = s[:maxText]
	}
	dst = dst[:0]
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			dst = append(dst, asciiUnit(c, i, i+1))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = foldRune(dst, s, r, i, size)
		i += size
	}
	readSymbols(dst)
	readDigits(dst)
	return joinSpelled(dst)
}

// readSymbols decides which leet symbols are letters: '@' and '$' next to a
// word on either side ("@ss", "a$$"), '!' and '|' only inside one ("id!ot",
// while "idiot!" ends at the 't'). The others become separators.
func readSymbols(units []unit) {
	isWord := func(i int) bool {
		return i >= 0 && i < len(units) && (units[i].class == letter || units[i].class == digit)
	}
	for i := range units {
		if units[i].class == symbolInner {
			if isWord(i-1) && isWord(i+1) {
				units[i].class = letter
				units[i].r, units[i].alt = leetReading(units[i].r)
			} else {
				units[i].class = separator
			}
		}
	}
	// Two sweeps spread the word from either side through runs of symbols.
	for i := range units {
		if units[i].class == symbolSide && isWord(i-1) {
			units[i].class = letter
		}
	}
	for i := len(units) - 1; i >= 0; i-- {
		if units[i].class == symbolSide && isWord(i+1) {
			units[i].class = letter
		}
	}
	for i := range units {
		switch {
		case units[i].class == symbolSide:
			units[i].class = separator
		case units[i].class == letter && units[i].r < utf8.RuneSelf && leet[units[i].r].class == symbolSide:
			units[i].r, units[i].alt = leetReading(units[i].r)
		}
	}
}

// leetReading is the letter (and second reading) the ASCII symbol or digit
// r imitates.
func leetReading(r rune) (rune, rune) {
	if r < utf8.RuneSelf && leet[r].r != 0 {
		return leet[r].r, leet[r].alt
	}
	return r, 0
}

// readDigits reads the digits of a word that has letters as the letters they
// imitate ("1d10t"); a number ("1000", "2026") stays a number.
func readDigits(units []unit) {
	for i := 0; i < len(units); {
		if !units[i].word() {
			i++
			continue
		}
		j, letters := i, false
		for ; j < len(units) && units[j].word(); j++ {
			letters = letters || units[j].class == letter
		}
		if letters {
			for k := i; k < j; k++ {
				if units[k].class == digit {
					units[k].r, units[k].alt = leetReading(units[k].r)
					units[k].class = letter
				}
			}
		}
		i = j
	}
}

// joinSpelled removes the separators between single letters spelled out
// one by one ("i.d.i.o.t", "i d i o t", "i-d-i-o-t"), minSpelled or more in
// a row with at most maxGap separators between two, so that they read as one
// word. An apostrophe or a line break keeps the letters apart: French
// elisions ("l'a t'a") are words, not spelling.
func joinSpelled(units []unit) []unit {
	var (
		run     int // single letters in the current run
		runFrom int // index of the first unit of the run
		prevEnd = -1
		drop    bool
	)
	flush := func(upto int) {
		if run >= minSpelled {
			for k := runFrom; k < upto; k++ {
				if !units[k].word() {
					units[k].class, drop = dropped, true
				}
			}
		}
		run = 0
	}
	for i := 0; i < len(units); {
		if !units[i].word() {
			i++
			continue
		}
		j := i + 1
		for j < len(units) && units[j].word() {
			j++
		}
		single := units[j-1].start == units[i].start // one original rune, even "ß"
		switch {
		case !single:
			flush(prevEnd)
		case run > 0 && gapJoins(units[prevEnd:i]):
			run++
		default:
			flush(prevEnd)
			run, runFrom = 1, i
		}
		prevEnd, i = j, j
	}
	flush(prevEnd)
	if !drop {
		return units
	}
	kept := units[:0]
	for _, u := range units {
		if u.class != dropped {
			kept = append(kept, u)
		}
	}
	return kept
}

// gapJoins reports whether the separators gap may stand inside a spelled-out
// word.
func gapJoins(gap []unit) bool {
	if len(gap) > maxGap {
		return false
	}
	for _, u := range gap {
		switch u.r {
		case '\'', '’', '`', '´', '\n', '\r':
			return false
		}
	}
	return true
}
