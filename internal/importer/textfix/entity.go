package textfix

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// window is how many bytes of text a character reference can take at most,
// with the byte after it: the longest name, &CounterClockwiseContourIntegral;,
// has 33, a numeric reference 11.
const window = 48

// Numeric references longer than this are not taken as references.
const (
	maxDecimal = 8
	maxHex     = 6
)

// legacy are the named references that Clean decodes without their ';'.
// Browsers decode about a hundred names that way; these five are the ones
// that exports actually leave without it, and the others ("&not", "&para",
// "&copy") are too often the start of a word or a URL parameter.
var legacy = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "nbsp": "\u00a0"}

// decodeEntities decodes every character reference in s, including those
// that the decoding of others forms ("&amp;lt;" is "<"), so that the result
// has none left: it is decodeEntities' fixpoint, reached in one pass. After
// each decoding, the output back to its last '&' (the only place where a
// reference could now start that was not one before) is read again.
func decodeEntities(s string) (string, bool) {
	if strings.IndexByte(s, '&') < 0 {
		return s, false
	}
	out := make([]byte, 0, len(s))
	st := &stream{s: s}
	changed := false
	for {
		out = st.copyUntilAmp(out)
		if st.done() {
			return string(out), changed
		}
		dec, n, ok := entityAt(st.peek(window))
		if !ok {
			out = append(out, '&')
			st.advance(1)
			continue
		}
		st.advance(n)
		changed = true
		out = append(out, dec...)
		lo := max(0, len(out)-window)
		if k := bytes.LastIndexByte(out[lo:], '&'); k >= 0 {
			st.unread(out[lo+k:])
			out = out[:lo+k]
		}
	}
}

// stream is text still to be read: pend, the output given back by
// decodeEntities, then s from i on.
type stream struct {
	pend []byte
	s    string
	i    int
}

func (st *stream) done() bool { return len(st.pend) == 0 && st.i >= len(st.s) }

// copyUntilAmp appends to out what comes before the next '&' and consumes it.
func (st *stream) copyUntilAmp(out []byte) []byte {
	if len(st.pend) > 0 {
		j := bytes.IndexByte(st.pend, '&')
		if j < 0 {
			j = len(st.pend)
		}
		out = append(out, st.pend[:j]...)
		st.pend = st.pend[j:]
		if len(st.pend) > 0 {
			return out
		}
	}
	j := strings.IndexByte(st.s[st.i:], '&')
	if j < 0 {
		j = len(st.s) - st.i
	}
	out = append(out, st.s[st.i:st.i+j]...)
	st.i += j
	return out
}

// peek returns the next n bytes, fewer only at the end of the text.
func (st *stream) peek(n int) string {
	rest := st.s[st.i:]
	if len(st.pend) == 0 {
		return rest[:min(n, len(rest))]
	}
	p := string(st.pend[:min(n, len(st.pend))])
	if len(p) < n {
		p += rest[:min(n-len(p), len(rest))]
	}
	return p
}

func (st *stream) advance(n int) {
	k := min(n, len(st.pend))
	st.pend = st.pend[k:]
	st.i += n - k
}

// unread puts b back in front of the stream; it copies b.
func (st *stream) unread(b []byte) {
	st.pend = append(append(make([]byte, 0, len(b)+len(st.pend)), b...), st.pend...)
}

// entityAt decodes the character reference at the start of p, which begins
// with '&' and holds the next window bytes of the text (fewer only at its
// end). It returns the decoded text and the reference's length.
func entityAt(p string) (dec string, n int, ok bool) {
	if len(p) < 2 {
		return "", 0, false
	}
	if p[1] == '#' {
		r, n, _, ok := numericAt(p)
		return string(r), n, ok
	}
	i := 1
	for i < len(p) && i <= 33 && isAlnum(p[i]) {
		i++
	}
	name := p[1:i]
	if name == "" || !isAlpha(name[0]) {
		return "", 0, false
	}
	if i < len(p) && p[i] == ';' {
		dec, ok := named(name)
		return dec, i + 1, ok
	}
	if d, ok := legacy[name]; ok && (i == len(p) || p[i] != '=') {
		return d, i, true
	}
	return "", 0, false
}

// named decodes the reference "&name;", false when HTML has no such name.
func named(name string) (string, bool) {
	ref := "&" + name + ";"
	d := html.UnescapeString(ref)
	// UnescapeString also decodes a prefix of an unknown name ("&notit;"
	// is "¬it;"): a result that still ends in ';' is one of those.
	if d == ref || (strings.HasSuffix(d, ";") && name != "semi") {
		return "", false
	}
	return d, true
}

// numericAt decodes "&#39;", "&#x27;" and the same without ';' at the start
// of p. semi reports whether the reference had its ';'. Code points that
// are not characters of text (NUL, surrogates, controls other than tab and
// newlines) decode to U+FFFD; 128 to 159 are Windows-1252, as in HTML.
func numericAt(p string) (r rune, n int, semi, ok bool) {
	i, base, most := 2, 10, maxDecimal
	if i < len(p) && (p[i] == 'x' || p[i] == 'X') {
		i, base, most = 3, 16, maxHex
	}
	start := i
	for i < len(p) && i-start <= most && isDigit(p[i], base) {
		i++
	}
	digits := p[start:i]
	if digits == "" || len(digits) > most {
		return 0, 0, false, false
	}
	v, _ := strconv.ParseUint(digits, base, 32)
	if i < len(p) && p[i] == ';' {
		i, semi = i+1, true
	}
	return codePoint(v), i, semi, true
}

// codePoint is the character a numeric reference to v stands for in text.
func codePoint(v uint64) rune {
	switch {
	case v >= 0x80 && v <= 0x9f:
		if r := charmap.Windows1252.DecodeByte(byte(v)); r > 0x9f {
			return r
		}
		return utf8.RuneError
	case v == '\t' || v == '\n' || v == '\r':
		return rune(v)
	case v < 0x20 || v == 0x7f || v > utf8.MaxRune || (v >= 0xd800 && v <= 0xdfff):
		return utf8.RuneError
	}
	return rune(v)
}

// unescapeTwice repairs the references of HTML: "&amp;" (once or more)
// before what is itself a reference is dropped, and a numeric reference
// gets its ';'. A plain "&amp;" stays: it is right.
func unescapeTwice(s string) (string, bool) {
	if strings.IndexByte(s, '&') < 0 {
		return s, false
	}
	var b strings.Builder
	changed := false
	for {
		k := strings.IndexByte(s, '&')
		if k < 0 {
			b.WriteString(s)
			return b.String(), changed
		}
		b.WriteString(s[:k])
		s = s[k:]
		j := 0 // the end of a run of "&amp;amp;…"
		if strings.HasPrefix(s, "&amp;") {
			j = 5
			for strings.HasPrefix(s[j:], "amp;") {
				j += 4
			}
		}
		rest := s[max(j, 1):] // what follows the '&' of the reference
		ref, n := htmlRef("&" + rest[:min(len(rest), window)])
		switch {
		case ref != "" && (j > 0 || len(ref) != n+1):
			// Escaped once too often, or without its ';'.
			b.WriteString(ref)
			changed = true
			s = rest[n:]
		case j > 0:
			b.WriteString("&amp;")
			changed = changed || j > 5
			s = s[j:]
		default:
			b.WriteByte('&')
			s = s[1:]
		}
	}
}

// htmlRef returns the reference at the start of p, which begins with '&',
// written as HTML wants it (with its ';'), and how many bytes of p after
// the '&' it took; "" when p does not start with a named reference ended
// by ';' or with a numeric one.
func htmlRef(p string) (ref string, n int) {
	if len(p) > 1 && p[1] == '#' {
		_, n, semi, ok := numericAt(p)
		switch {
		case !ok:
			return "", 0
		case semi:
			return p[:n], n - 1
		}
		return p[:n] + ";", n - 1
	}
	if _, n, ok := entityAt(p); ok && p[n-1] == ';' {
		return p[:n], n - 1
	}
	return "", 0
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isAlnum(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }

func isDigit(c byte, base int) bool {
	if '0' <= c && c <= '9' {
		return true
	}
	return base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
}
