package textfix

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"parley"
)

// StoryID derives a story ID from a canonical URL exactly as the embed does
// for a page that names none (widget/src/story.ts, storyFor), so that the
// embed on an imported article finds its comments: FNV-1a 32-bit over the
// URL's UTF-16 code units, twice with different offsets, each written in
// base 36 on 7 digits, after a "u".
func StoryID(url string) string {
	a, b := uint32(0x811c9dc5), uint32(0x01000193^0x2545f491)
	for _, r := range url {
		r1, r2 := utf16.EncodeRune(r)
		if r1 == '\uFFFD' { // a rune of one code unit
			a, b = fnv(a, uint32(r)), fnv(b, uint32(r))
			continue
		}
		a, b = fnv(fnv(a, uint32(r1)), uint32(r2)), fnv(fnv(b, uint32(r1)), uint32(r2))
	}
	return "u" + base36(a) + base36(b)
}

func fnv(h, c uint32) uint32 { return (h ^ c) * 0x01000193 }

func base36(n uint32) string {
	s := strconv.FormatUint(uint64(n), 36)
	return strings.Repeat("0", 7-len(s)) + s
}

// ValidStoryID reports whether s is a story ID the API accepts:
// ^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$, parley.ValidID's rule.
func ValidStoryID(s string) bool { return parley.ValidID(s) }
