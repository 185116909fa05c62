package moderation

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// class says how a normalized rune takes part in words.
type class uint8

const (
	separator   class = iota // not part of a word: space, punctuation
	letter                   // a letter, whatever it imitated
	digit                    // a digit, read as a letter only inside a word that has letters
	symbolSide               // '@', '$', '€', '£': a letter when next to a word on either side ("@ss", "a$$")
	symbolInner              // '!', '|', '¡': a letter only between two word runes ("id!ot"), so that "idiot!" ends a word
	dropped                  // a separator inside a spelled-out word, removed by joinSpelled
)

// expansions are letters that fold into more than one letter. Without them,
// "Scheiße" and "Scheisse" would be different words, as would "Æ" and "ae".
var expansions = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ĳ': "ij", 'Ĳ': "ij", 'þ': "th", 'Þ': "th",
}

// lookalikes maps letters that have no decomposition but look like a Latin
// letter (Cyrillic and Greek homoglyphs, letters with a stroke) to that
// letter. Keys are lower case; folding lowers first.
var lookalikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'з': '3', 'и': 'u', 'к': 'k', 'м': 'm', 'н': 'h',
	'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ь': 'b', 'і': 'i',
	'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	// Greek
	'α': 'a', 'β': 'b', 'γ': 'y', 'δ': 'd', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k',
	'μ': 'u', 'ν': 'v', 'ο': 'o', 'π': 'n', 'ρ': 'p', 'σ': 'o', 'ς': 's', 'τ': 't',
	'υ': 'u', 'χ': 'x', 'ω': 'w',
	// Latin letters with a stroke or a hook, which NFD leaves whole
	'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'ħ': 'h', 'ı': 'i', 'ŧ': 't', 'ƒ': 'f',
	'ɡ': 'g', 'ɑ': 'a', 'ʀ': 'r', 'ɪ': 'i', 'ᴏ': 'o',
}

// leet reads digits and symbols as the letters they imitate. The digit 1 and
// the bar read as i and as l (alt), and both readings are tried.
var leet = [128]struct {
	r     rune
	alt   byte
	class class
}{
	'0': {'o', 0, digit}, '1': {'i', 'l', digit}, '3': {'e', 0, digit}, '4': {'a', 0, digit},
	'5': {'s', 0, digit}, '7': {'t', 0, digit}, '8': {'b', 0, digit}, '9': {'g', 0, digit},
	'@': {'a', 0, symbolSide}, '$': {'s', 0, symbolSide},
	'!': {'i', 0, symbolInner}, '|': {'l', 'i', symbolInner},
}

// asciiUnits holds the unit of each ASCII byte but its span: the hot path
// of normalization is one table lookup per byte.
var asciiUnits = func() (t [utf8.RuneSelf]unit) {
	for c := range t {
		u := unit{r: rune(c), class: leet[c].class}
		switch {
		case 'a' <= c && c <= 'z':
			u.class = letter
		case 'A' <= c && c <= 'Z':
			u.r, u.class = rune(c+'a'-'A'), letter
		case '0' <= c && c <= '9':
			u.class = digit
		}
		t[c] = u
	}
	return t
}()

// asciiUnit is the normalized unit of one ASCII byte spanning [start, end).
func asciiUnit(c byte, start, end int) unit {
	u := asciiUnits[c]
	u.start, u.end = int32(start), int32(end)
	return u
}

// foldRune appends the normalized units of the non-ASCII rune r, which
// occupies s[start:start+size]. A combining mark or an invisible format
// character (zero-width space, soft hyphen) yields no unit: it widens the
// previous unit's span instead, so that "id\u200biot" is one word.
func foldRune(dst []unit, s string, r rune, start, size int) []unit {
	end := start + size
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		if n := len(dst); n > 0 && dst[n-1].end == int32(start) {
			dst[n-1].end = int32(end)
		}
		return dst
	}
	if x, ok := expansions[r]; ok {
		for _, e := range x {
			dst = append(dst, unit{r: e, class: letter, start: int32(start), end: int32(end)})
		}
		return dst
	}
	// NFKD splits "é" into "e" and a mark, and reads full-width, circled,
	// mathematical and superscript forms as the plain letter or digit.
	d := norm.NFKD.PropertiesString(s[start:end]).Decomposition()
	if d == nil {
		return appendFolded(dst, r, start, end)
	}
	for len(d) > 0 {
		c, n := utf8.DecodeRune(d)
		d = d[n:]
		if !unicode.Is(unicode.Mn, c) {
			dst = appendFolded(dst, c, start, end)
		}
	}
	return dst
}

// appendFolded appends one decomposed rune, lowered and read as the Latin
// letter it looks like.
func appendFolded(dst []unit, r rune, start, end int) []unit {
	if r < utf8.RuneSelf {
		return append(dst, asciiUnit(byte(r), start, end))
	}
	r = unicode.ToLower(r)
	if l, ok := lookalikes[r]; ok {
		r = l
	}
	u := unit{r: r, start: int32(start), end: int32(end)}
	switch {
	case r == '3': // Cyrillic з reads as the digit that reads as e
		u.class = digit
	case r == '€':
		u.r, u.class = 'e', symbolSide
	case r == '£':
		u.r, u.class = 'l', symbolSide
	case r == '¡':
		u.r, u.class = 'i', symbolInner
	case unicode.IsLetter(r):
		u.class = letter
	case unicode.IsDigit(r):
		u.class = digit
	}
	return append(dst, u)
}
