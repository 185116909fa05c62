package moderation

import (
	"math"
	"slices"
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
//
// A unit is 16 bytes, so that it is copied in one move.
type unit struct {
	r          rune // the letter
	start, end int32
	alt        byte // a second reading of the letter ('1' is i or l), 0 if none
	class      class
}

// word reports whether u is part of a word once normalize has read the
// symbols and digits (and before joinSpelled removes what it dropped).
func (u unit) word() bool { return u.class != separator }

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
	dst = slices.Grow(dst[:0], len(s))
	var seen uint32 // a bit per class met, to skip the passes that have nothing to do
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			var mask uint32
			dst, i, mask = appendASCII(dst, s, i)
			seen |= mask
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n := len(dst)
		dst = foldRune(dst, s, r, i, size)
		for _, u := range dst[n:] {
			seen |= 1 << u.class
		}
		i += size
	}
	if seen&(1<<symbolSide|1<<symbolInner) != 0 {
		readSymbols(dst)
	}
	if seen&(1<<digit) != 0 {
		readDigits(dst)
	}
	return joinSpelled(dst)
}

// appendASCII appends the units of the run of ASCII bytes at s[from:] and
// returns where the run ends and the classes it met. Each unit is written
// in place: building it in a variable and copying it stalled on store
// forwarding, and made normalization four times slower.
func appendASCII(dst []unit, s string, from int) ([]unit, int, uint32) {
	to := from
	for to < len(s) && s[to] < utf8.RuneSelf {
		to++
	}
	n := len(dst)
	dst = slices.Grow(dst, to-from)[:n+to-from]
	var seen uint32
	for k, c := range []byte(s[from:to]) {
		u := &dst[n+k]
		*u = asciiUnits[c]
		u.start, u.end = int32(from+k), int32(from+k+1)
		seen |= 1 << u.class
	}
	return dst, to, seen
}

// readSymbols decides which leet symbols are letters: '@' and '$' next to a
// word on either side ("@ss", "a$$"), '!' and '|' only inside one ("id!ot",
// while "idiot!" ends at the 't'). The others become separators.
func readSymbols(units []unit) {
	isWord := func(i int) bool {
		return i >= 0 && i < len(units) && (units[i].class == letter || units[i].class == digit)
	}
	for i := 0; i < len(units); {
		if c := units[i].class; c != symbolSide && c != symbolInner {
			i++
			continue
		}
		j := i + 1
		for j < len(units) && (units[j].class == symbolSide || units[j].class == symbolInner) {
			j++
		}
		// In the run of symbols units[i:j], a '!' is a letter only alone
		// between two words; a stretch of '@' and '$' is letters if it
		// touches a word.
		before, after := isWord(i-1), isWord(j)
		for k := i; k < j; {
			if units[k].class == symbolInner {
				readSymbol(&units[k], j-i == 1 && before && after)
				k++
				continue
			}
			m := k + 1
			for m < j && units[m].class == symbolSide {
				m++
			}
			touches := k == i && before || m == j && after
			for ; k < m; k++ {
				readSymbol(&units[k], touches)
			}
		}
		i = j
	}
}

// readSymbol makes u the letter it imitates, or a separator.
func readSymbol(u *unit, isLetter bool) {
	if !isLetter {
		u.class = separator
		return
	}
	u.class = letter
	u.r, u.alt = leetReading(u.r)
}

// leetReading is the letter (and second reading) the ASCII symbol or digit
// r imitates.
func leetReading(r rune) (rune, byte) {
	if r < utf8.RuneSelf && leet[r].r != 0 {
		return leet[r].r, leet[r].alt
	}
	return r, 0
}

// readDigits reads the digits of a word that has letters as the letters they
// imitate ("1d10t", "put3"). A number stays a number ("1000", "2026"), and
// so do two or more digits that begin or end a word ("A55", "A380",
// "COVID19", "100km"): they are road names and models, not leetspeak.
func readDigits(units []unit) {
	for i := 0; i < len(units); {
		if !units[i].word() {
			i++
			continue
		}
		j := i
		for j < len(units) && units[j].word() {
			j++
		}
		from, to := i, j
		if k := digitRun(units, i, j, 1); k-i >= 2 {
			from = k
		}
		if k := digitRun(units, j-1, i-1, -1); j-1-k >= 2 {
			to = k + 1
		}
		letters := slices.ContainsFunc(units[i:j], func(u unit) bool { return u.class == letter })
		for k := from; letters && k < to; k++ {
			if units[k].class == digit {
				units[k].r, units[k].alt = leetReading(units[k].r)
				units[k].class = letter
			}
		}
		i = j
	}
}

// digitRun returns the first index from i towards stop (by step) that is not
// a digit.
func digitRun(units []unit, i, stop, step int) int {
	for i != stop && units[i].class == digit {
		i += step
	}
	return i
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
