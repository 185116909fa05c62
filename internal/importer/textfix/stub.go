// Package textfix repairs the text fields of other systems' exports.
//
// TEMPORARY: this file stands in for the real package until it lands; the
// integrator drops it at merge. StoryID and ValidStoryID are real.
package textfix

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Clean returns s unchanged and no repairs (stub).
func Clean(s string) (out string, kinds []string) { return s, nil }

var tag = regexp.MustCompile(`<[^>]*>`)

// Markdown strips tags crudely (stub).
func Markdown(html string) string {
	html = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n\n").Replace(html)
	return strings.TrimSpace(tag.ReplaceAllString(html, ""))
}

// StoryID derives a story ID from a canonical URL as the widget does
// (widget/src/story.ts storyFor): two 32-bit FNV-1a hashes over the URL's
// UTF-16 code units, each in base 36 padded to 7 digits, after a "u".
func StoryID(url string) string {
	a, b := uint32(0x811c9dc5), uint32(0x01000193^0x2545f491)
	for _, c := range utf16.Encode([]rune(url)) {
		a = (a ^ uint32(c)) * 0x01000193
		b = (b ^ uint32(c)) * 0x01000193
	}
	pad := func(n uint32) string {
		s := strconv.FormatUint(uint64(n), 36)
		return strings.Repeat("0", max(0, 7-len(s))) + s
	}
	return "u" + pad(a) + pad(b)
}

var storyID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$`)

// ValidStoryID reports whether s matches ^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$.
func ValidStoryID(s string) bool { return storyID.MatchString(s) }
