package disqus

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// scrub sits between the file and encoding/xml. The decoder refuses
// invalid UTF-8, control characters and any entity it does not know, and it
// holds a whole text run in memory however long it is; a real export has
// all four (raw Latin-1 bytes, a stray \x0b, a bare "&" in a title, a
// pasted novel). scrub passes the XML on byte for byte except that
//
//   - a byte that is not part of valid UTF-8 is read as Windows-1252 (a
//     superset of Latin-1, the encoding such bytes nearly always are) and
//     written as UTF-8, counted in encoding;
//   - a control character XML does not allow is dropped, counted in
//     controls;
//   - an "&" in text that does not start a reference the decoder knows
//     (XML's five, HTML's named ones, a character reference) is written
//     "&amp;", so that the body keeps it as it stood, counted in entities;
//   - text (runs and CDATA sections) longer than maxRun since the last tag
//     is cut there, the rest dropped, counted in cut: the parser skips the
//     record it belongs to;
//   - comments are dropped;
//   - a tag, processing instruction or declaration longer than maxMarkup is
//     an error: nothing legitimate in an export comes near it.
//
// It implements io.ByteReader, so the decoder reads it without a buffer of
// its own and the counters change exactly while the record that caused
// them is read.
type scrub struct {
	src  *bufio.Reader
	out  []byte // produced, not yet read
	pos  int    // read position in out
	err  error  // sticky source error, returned once out is drained
	line int    // line of the source, for errors

	maxRun    int
	maxMarkup int

	mode mode // what the next byte belongs to
	// latin is set once the file declares Latin-1 or Windows-1252: every
	// byte above 0x7F is then one character, and reading it so is no repair.
	latin bool
	run   int // bytes of text (runs and CDATA sections) passed on since the last tag

	encoding, controls, entities, cut int
}

// mode is where in the XML scrub is.
type mode int

const (
	inText mode = iota
	inCDATA
	inComment
)

// outChunk bounds what one fill produces, so that nothing, not even a
// field of line breaks only, is held whole.
const outChunk = 64 << 10

func newScrub(r io.Reader, maxRun, maxMarkup int) *scrub {
	return &scrub{src: bufio.NewReaderSize(r, 64<<10), line: 1, maxRun: maxRun, maxMarkup: maxMarkup}
}

// errMarkup is returned for a tag or declaration over maxMarkup bytes.
var errMarkup = errors.New("markup too long")

// Read implements io.Reader.
func (s *scrub) Read(p []byte) (int, error) {
	for s.pos == len(s.out) {
		if s.err != nil {
			return 0, s.err
		}
		s.fill()
	}
	n := copy(p, s.out[s.pos:])
	s.pos += n
	return n, nil
}

// ReadByte implements io.ByteReader.
func (s *scrub) ReadByte() (byte, error) {
	for s.pos == len(s.out) {
		if s.err != nil {
			return 0, s.err
		}
		s.fill()
	}
	b := s.out[s.pos]
	s.pos++
	return b, nil
}

// fill produces the next piece of output: a stretch of text or one piece
// of markup.
func (s *scrub) fill() {
	s.out, s.pos = s.out[:0], 0
	switch s.mode {
	case inCDATA:
		s.cdata()
		return
	case inComment:
		s.comment()
		return
	}
	b, err := s.src.ReadByte()
	if err != nil {
		s.err = err
		return
	}
	switch b {
	case '<':
		s.markup()
	case '&':
		s.reference()
	default:
		s.src.UnreadByte()
		s.text()
	}
}

// text passes on characters up to the next '<' or '&'.
func (s *scrub) text() {
	for len(s.out) < outChunk {
		if s.plain('<', '&') {
			continue
		}
		head, _ := s.src.Peek(1)
		if len(head) == 0 || head[0] == '<' || head[0] == '&' {
			return
		}
		if !s.char(true) {
			return
		}
	}
}

// plain passes on, in one piece, the printable ASCII (and line breaks and
// tabs) at the head of the buffered input up to stop1 or stop2, which is
// nearly all of an export. It reports whether it passed any.
func (s *scrub) plain(stop1, stop2 byte) bool {
	buf, _ := s.src.Peek(max(1, s.src.Buffered()))
	buf = buf[:min(len(buf), outChunk-len(s.out))]
	n := 0
	for n < len(buf) {
		c := buf[n]
		if c >= utf8.RuneSelf || c == stop1 || c == stop2 || c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
			break
		}
		n++
	}
	if n == 0 {
		return false
	}
	s.line += bytes.Count(buf[:n], []byte{'\n'})
	keep := min(n, max(0, s.maxRun-s.run))
	s.out = append(s.out, buf[:keep]...)
	s.run += keep
	if keep < n {
		s.room(n - keep) // does not fit: counts the cut
	}
	s.src.Discard(n)
	return true
}

// char reads one character and passes it on, repaired, unless the current
// run is over maxRun (counted is whether it belongs to one). It reports
// false at the end of the input.
func (s *scrub) char(counted bool) bool {
	r, size, err := s.src.ReadRune()
	if err != nil {
		s.err = err
		return false
	}
	var enc [utf8.UTFMax]byte
	out := enc[:0]
	switch {
	case r >= utf8.RuneSelf && s.latin || r == utf8.RuneError && size == 1:
		s.src.UnreadRune()
		c, _ := s.src.ReadByte()
		if !s.latin {
			s.encoding++
		}
		out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(c))
	case r < 0x20 && r != '\t' && r != '\r' && r != '\n', r == 0xFFFE, r == 0xFFFF:
		s.controls++
		return true
	default:
		if r == '\n' {
			s.line++
		}
		out = utf8.AppendRune(out, r)
	}
	if counted && !s.room(len(out)) {
		return true
	}
	s.out = append(s.out, out...)
	return true
}

// room reports whether n more bytes of text fit in the current run, and
// counts the run as cut the first time they do not.
func (s *scrub) room(n int) bool {
	if s.run+n <= s.maxRun {
		s.run += n
		return true
	}
	if s.run <= s.maxRun {
		s.cut++
		s.run = s.maxRun + 1
	}
	return false
}

// Line is the line of the source that the reader of s has reached.
func (s *scrub) Line() int {
	return s.line - bytes.Count(s.out[s.pos:], []byte{'\n'})
}

// reference handles an '&' in text: a reference the decoder knows passes,
// anything else becomes a literal ampersand.
func (s *scrub) reference() {
	head, _ := s.src.Peek(40)
	if n := bytes.IndexByte(head, ';'); n > 0 && known(head[:n]) {
		ref := head[:n+1]
		if s.room(len(ref) + 1) {
			s.out = append(append(s.out, '&'), ref...)
		}
		s.src.Discard(len(ref))
		return
	}
	s.entities++
	if s.room(5) {
		s.out = append(s.out, "&amp;"...)
	}
}

// known reports whether name (what follows '&' up to ';') is a reference
// encoding/xml resolves with Entity = xml.HTMLEntity.
func known(name []byte) bool {
	if name[0] == '#' {
		digits := name[1:]
		hex := len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X')
		if hex {
			digits = digits[1:]
		}
		if len(digits) == 0 || len(digits) > 7 {
			return false
		}
		n, base := 0, 10
		if hex {
			base = 16
		}
		for _, c := range digits {
			d, ok := digit(c, hex)
			if !ok {
				return false
			}
			n = n*base + d
		}
		return n <= unicode.MaxRune
	}
	switch string(name) {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	_, ok := xml.HTMLEntity[string(name)]
	return ok
}

// digit is the value of c as a decimal or (hex) hexadecimal digit.
func digit(c byte, hex bool) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case hex && c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case hex && c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// markup handles what follows a '<': a CDATA section, a comment, or a tag,
// processing instruction or declaration.
func (s *scrub) markup() {
	head, _ := s.src.Peek(8)
	switch {
	case bytes.HasPrefix(head, []byte("![CDATA[")):
		s.src.Discard(8)
		s.out = append(s.out, "<![CDATA["...)
		s.mode = inCDATA
		s.cdata()
	case bytes.HasPrefix(head, []byte("!--")):
		s.src.Discard(3)
		s.mode = inComment
		s.comment()
	default:
		s.run = 0 // a tag ends the text run
		s.out = append(s.out, '<')
		s.tag()
	}
}

// cdata passes a CDATA section on up to and including "]]>", cut at maxRun.
func (s *scrub) cdata() {
	for len(s.out) < outChunk {
		if s.plain(']', ']') {
			continue
		}
		if head, _ := s.src.Peek(3); bytes.Equal(head, []byte("]]>")) {
			s.src.Discard(3)
			s.out = append(s.out, "]]>"...)
			s.mode = inText
			return
		}
		if !s.char(true) {
			return
		}
	}
}

// comment drops a comment.
func (s *scrub) comment() {
	for {
		if head, _ := s.src.Peek(3); bytes.Equal(head, []byte("-->")) {
			s.src.Discard(3)
			s.mode = inText
			return
		}
		b, err := s.src.ReadByte()
		if err != nil {
			s.err = err
			return
		}
		if b == '\n' {
			s.line++
		}
	}
}

// tag passes on a tag, processing instruction or declaration up to its
// closing '>', minding quotes and the brackets of a DOCTYPE's internal
// subset, repairing characters as text is repaired. Plain ASCII, nearly
// all of it, is passed in pieces of the buffered input.
func (s *scrub) tag() {
	var quote byte
	depth := 1
	for start := len(s.out); len(s.out)-start < s.maxMarkup; {
		buf, _ := s.src.Peek(max(1, s.src.Buffered()))
		buf = buf[:min(len(buf), s.maxMarkup-(len(s.out)-start))]
		n, closed := 0, false
		for ; n < len(buf) && !closed; n++ {
			c := buf[n]
			if c >= utf8.RuneSelf || c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
				break
			}
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '<':
				depth++
			case c == '>':
				depth--
				closed = depth == 0
			}
		}
		s.line += bytes.Count(buf[:n], []byte{'\n'})
		s.out = append(s.out, buf[:n]...)
		s.src.Discard(n)
		if closed {
			return
		}
		if n == 0 && !s.char(false) { // not ASCII, a control character, or the end
			return
		}
	}
	s.err = fmt.Errorf("line %d: %w (over %d KiB)", s.line, errMarkup, s.maxMarkup>>10)
}
