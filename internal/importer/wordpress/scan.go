package wordpress

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// scanner sits between the file and encoding/xml. The decoder keeps a
// whole text or CDATA section in memory before it returns it, refuses
// invalid UTF-8 and stops at the first bare "&" of a hand-edited export;
// the scanner knows just enough of XML's lexical shape (text, tag,
// CDATA, comment, declaration) to fix those three where the bytes pass:
//
//   - a text, CDATA or comment run longer than maxRun is cut, the rest of
//     it dropped up to its end, and counted in cut, so memory stays
//     bounded whatever the file holds; tags and declarations longer than
//     maxTag end the parse;
//   - a byte that is not UTF-8 is read as Windows-1252, the way WordPress
//     itself reads text that is not UTF-8 (wxr_cdata's utf8_encode), and a
//     control character XML forbids becomes a space; both count in mapped;
//   - an "&" in text that starts no entity the decoder knows becomes
//     "&amp;", so the text keeps it literally; counted in escaped.
//
// It is an io.ByteReader, so the decoder reads it byte by byte without a
// buffer of its own: the counters then change while the decoder is on the
// token they belong to, and offset is the position in the file.
type scanner struct {
	r      *bufio.Reader
	out    []byte // mapped bytes not yet read
	outPos int
	state  lexState
	run    int  // bytes of the current run, tag or declaration
	drop   bool // the current run is over maxRun: its bytes are dropped
	marks  int  // closing characters seen in a row: "]" in CDATA, "-" in a comment, "?" in a PI
	quote  byte // the quote a tag or declaration is inside, 0 outside
	nest   int  // "[" depth of a declaration's internal subset
	// raw passes bytes of 0x80 and above on unchecked: the file declared a
	// charset other than UTF-8, and the decoder's charset reader decodes it.
	raw bool

	offset                int64 // bytes of the file consumed
	mapped, escaped, cuts int64
	maxRun, maxTag        int
}

type lexState int

const (
	inText lexState = iota
	inTag
	inCDATA
	inComment
	inDecl // <!DOCTYPE …> and other declarations
	inPI   // <?xml …?> and other processing instructions
)

// errTagTooLong ends a parse whose markup is out of all proportion.
var errTagTooLong = errors.New("a tag or declaration longer than 64 KiB")

func newScanner(r io.Reader, maxRun, maxTag int) *scanner {
	s := &scanner{r: bufio.NewReaderSize(r, 64<<10), maxRun: maxRun, maxTag: maxTag}
	if bom, _ := s.r.Peek(3); string(bom) == "\xef\xbb\xbf" {
		s.r.Discard(3)
		s.offset = 3
	}
	return s
}

// Read serves the decoder's io.Reader side; it uses ReadByte.
func (s *scanner) Read(p []byte) (int, error) {
	for i := range p {
		b, err := s.ReadByte()
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		p[i] = b
	}
	return len(p), nil
}

// ReadByte returns the next mapped byte.
func (s *scanner) ReadByte() (byte, error) {
	if s.outPos == len(s.out) && (s.state == inText || s.state == inCDATA) {
		if b, ok := s.plain(); ok {
			return b, nil
		}
	}
	for s.outPos == len(s.out) {
		s.out, s.outPos = s.out[:0], 0
		if err := s.step(); err != nil {
			return 0, err
		}
	}
	b := s.out[s.outPos]
	s.outPos++
	return b, nil
}

// plain is the fast path of ReadByte: a byte of text or CDATA that needs
// no mapping and ends nothing.
func (s *scanner) plain() (byte, bool) {
	if s.drop || s.run >= s.maxRun {
		return 0, false
	}
	b, err := s.r.ReadByte()
	if err != nil {
		return 0, false // step reads it again and returns the error
	}
	if b < 0x20 || b >= utf8.RuneSelf || b == '<' || b == '&' || b == ']' || b == '>' {
		s.r.UnreadByte()
		return 0, false
	}
	s.offset++
	s.run++
	s.marks = 0
	return b, true
}

// step consumes one byte, or one character or entity, of the file and
// appends what it maps to (perhaps nothing) to out.
func (s *scanner) step() error {
	if s.drop {
		var err error
		switch s.state {
		case inText:
			err = s.dropRun('<', 0)
		case inCDATA:
			err = s.dropRun('>', ']')
		case inComment:
			err = s.dropRun('>', '-')
		}
		if err != nil {
			return err
		}
	}
	b, err := s.r.ReadByte()
	if err != nil {
		return err
	}
	s.offset++
	switch s.state {
	case inText:
		return s.text(b)
	case inCDATA:
		s.section(b, ']', "]]>")
	case inComment:
		s.section(b, '-', "-->")
	case inTag, inDecl, inPI:
		return s.markup(b)
	}
	return nil
}

// dropRun consumes the bytes of a run being dropped up to the next end
// byte, which it leaves for step, keeping count of the marks before it.
func (s *scanner) dropRun(end, mark byte) error {
	for {
		if _, err := s.r.Peek(1); err != nil {
			return err
		}
		buf, _ := s.r.Peek(s.r.Buffered())
		i := bytes.IndexByte(buf, end)
		n := i
		if i < 0 {
			n = len(buf)
		}
		k := 0 // marks at the end of buf[:n]
		for k < n && buf[n-1-k] == mark {
			k++
		}
		if k == n {
			s.marks += k
		} else {
			s.marks = k
		}
		s.r.Discard(n)
		s.offset += int64(n)
		if i >= 0 {
			return nil
		}
	}
}

func (s *scanner) text(b byte) error {
	switch b {
	case '<':
		s.run, s.drop = 0, false
		return s.open()
	case '&':
		if s.count() {
			s.entity()
		}
	default:
		if s.count() {
			s.char(b)
		}
	}
	return nil
}

// count adds a byte to the run and tells whether it is kept.
func (s *scanner) count() bool {
	if s.drop {
		return false
	}
	s.run++
	if s.run > s.maxRun {
		s.drop = true
		s.cuts++
		return false
	}
	return true
}

// open starts the markup whose "<" was just read.
func (s *scanner) open() error {
	s.out = append(s.out, '<')
	head, _ := s.r.Peek(8)
	switch {
	case string(head) == "![CDATA[":
		s.take(8)
		s.enter(inCDATA)
	case len(head) >= 3 && string(head[:3]) == "!--":
		s.take(3)
		s.enter(inComment)
	case len(head) >= 1 && head[0] == '!':
		s.enter(inDecl)
	case len(head) >= 1 && head[0] == '?':
		s.enter(inPI)
	default:
		s.enter(inTag)
	}
	return nil
}

// take passes n peeked bytes on as they are.
func (s *scanner) take(n int) {
	p, _ := s.r.Peek(n)
	s.out = append(s.out, p...)
	s.r.Discard(len(p))
	s.offset += int64(len(p))
}

func (s *scanner) enter(st lexState) {
	s.state, s.run, s.drop, s.marks, s.quote, s.nest = st, 0, false, 0, 0, 0
}

// section handles a byte of a CDATA section or a comment, which end at
// three marks in a row ("]]>", "-->").
func (s *scanner) section(b, mark byte, end string) {
	if b == '>' && s.marks >= 2 {
		if s.drop {
			s.out = append(s.out, end...)
		} else {
			s.out = append(s.out, '>')
		}
		s.enter(inText)
		return
	}
	if b == mark {
		s.marks++
	} else {
		s.marks = 0
	}
	if s.count() {
		s.char(b)
	}
}

// markup handles a byte of a tag, declaration or processing instruction.
func (s *scanner) markup(b byte) error {
	s.run++
	if s.run > s.maxTag {
		return errTagTooLong
	}
	end := false
	switch {
	case s.quote != 0:
		if b == s.quote {
			s.quote = 0
		}
	case b == '"' || b == '\'':
		s.quote = b
	case s.state == inDecl && b == '[':
		s.nest++
	case s.state == inDecl && b == ']':
		s.nest--
	case s.state == inPI:
		end = b == '>' && s.marks > 0
		if b == '?' {
			s.marks = 1
		} else {
			s.marks = 0
		}
	default:
		end = b == '>' && s.nest <= 0
	}
	s.char(b)
	if end {
		s.enter(inText)
	}
	return nil
}

// char passes b on, or the character it starts, mapped where XML would
// refuse it.
func (s *scanner) char(b byte) {
	switch {
	case b < 0x20 && b != '\t' && b != '\n' && b != '\r':
		s.out = append(s.out, ' ')
		s.mapped++
	case b < utf8.RuneSelf || s.raw:
		s.out = append(s.out, b)
	default:
		s.unicode(b)
	}
}

// unicode passes on the UTF-8 character that starts with b, or maps b
// from Windows-1252 when none does.
func (s *scanner) unicode(b byte) {
	rest, _ := s.r.Peek(utf8.UTFMax - 1)
	var buf [utf8.UTFMax]byte
	buf[0] = b
	n := 1 + copy(buf[1:], rest)
	r, size := utf8.DecodeRune(buf[:n])
	switch {
	case r == utf8.RuneError && size <= 1:
		s.out = utf8.AppendRune(s.out, charmap.Windows1252.DecodeByte(b))
		s.mapped++
		return
	case r == 0xFFFE || r == 0xFFFF:
		s.out = utf8.AppendRune(s.out, utf8.RuneError)
		s.mapped++
	default:
		s.out = append(s.out, buf[:size]...)
	}
	s.r.Discard(size - 1)
	s.offset += int64(size - 1)
	s.run += size - 1
}

// entity passes on an "&" that starts a reference the decoder resolves
// and escapes one that does not.
func (s *scanner) entity() {
	if head, _ := s.r.Peek(40); knownEntity(head) {
		s.out = append(s.out, '&')
		return
	}
	s.out = append(s.out, "&amp;"...)
	s.escaped++
}

// knownEntity tells whether ref (what follows an "&") starts with a
// character reference to a character XML allows, or with the name of an
// XML or HTML entity and ";".
func knownEntity(ref []byte) bool {
	end := -1
	for i, c := range ref {
		if c == ';' {
			end = i
			break
		}
	}
	if end < 1 {
		return false
	}
	name := string(ref[:end])
	if name[0] == '#' {
		if !numericRef(name) {
			return false
		}
		digits, base := name[1:], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		n, err := strconv.ParseInt(digits, base, 32)
		return err == nil && xmlChar(rune(n))
	}
	switch name {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	_, ok := xml.HTMLEntity[name]
	return ok
}

// numericRef tells whether name is "#" and digits, or "#x" and hex
// digits, nothing else.
func numericRef(name string) bool {
	digits, hex := name[1:], false
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, hex = digits[1:], true
	}
	if digits == "" || len(digits) > 8 {
		return false
	}
	for _, c := range digits {
		ok := c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
		if !ok {
			return false
		}
	}
	return true
}

// xmlChar is XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
