package textfix

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// repairEncoding reads the bytes of s that are not UTF-8 as Windows-1252,
// then undoes mojibake until none is left.
func repairEncoding(s string) (string, bool) {
	changed := false
	if !utf8.ValidString(s) {
		s, changed = fromWindows1252(s), true
	}
	// Each round turns runs of two to four characters into one, so the
	// rounds end, after at most a few for text encoded that many times.
	for {
		d, ok := unMojibake(s)
		if !ok {
			return s, changed
		}
		s, changed = d, true
	}
}

// fromWindows1252 keeps the UTF-8 of s and reads each other byte as
// Windows-1252. The five bytes that Windows-1252 leaves undefined become
// U+FFFD: no one typed those control characters.
func fromWindows1252(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			if r = charmap.Windows1252.DecodeByte(s[i]); r >= 0x80 && r <= 0x9f {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unMojibake undoes one round of UTF-8 read as Windows-1252 (or Latin-1,
// whose C1 controls stand where Windows-1252 has its letters) when all of
// s is such a misreading: every character maps back to one byte, the bytes
// are UTF-8, and each character they decode to is plausible in text.
func unMojibake(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s, false
	}
	buf := make([]byte, i, len(s))
	copy(buf, s[:i])
	for _, r := range s[i:] {
		b, ok := byte(r), r < 0x100
		if !ok {
			if b, ok = charmap.Windows1252.EncodeRune(r); !ok {
				return s, false
			}
		}
		buf = append(buf, b)
	}
	multi := false
	for j := i; j < len(buf); {
		r, n := utf8.DecodeRune(buf[j:])
		if n > 1 {
			if !plausible(r, n) {
				return s, false
			}
			multi = true
		} else if r == utf8.RuneError {
			return s, false
		}
		j += n
	}
	if !multi {
		return s, false
	}
	return string(buf), true
}

// plausible reports whether r, decoded from n bytes of mojibake, is a
// character that text in the languages that misreading hits is made of.
// Most pairs of Latin-1 letters are not UTF-8 at all; this rejects the few
// that are and decode to unlikely scripts (N'Ko from "ß«", Syriac from
// "Ü“"), and every control character.
func plausible(r rune, n int) bool {
	switch n {
	case 2: // Latin, IPA, combining marks, Greek, Cyrillic
		return r >= 0xa0 && r <= 0x52f
	case 3:
		return r >= 0x1e00 && r <= 0x1eff || // Latin (Vietnamese)
			r >= 0x2000 && r <= 0x2bff || // punctuation, currency, symbols, arrows
			r >= 0x3000 && r <= 0x9fff || // CJK
			r >= 0xac00 && r <= 0xd7a3 || // Hangul
			r >= 0xfe00 && r <= 0xfe0f || // variation selectors of emoji
			r >= 0xff00 && r <= 0xffef // full-width forms
	}
	return r >= 0x1f000 && r <= 0x1faff || r >= 0x20000 && r <= 0x3ffff // emoji, CJK
}
