package coral

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Bounds on what one document may hold. A Coral comment with a few
// revisions of a long body stays well under maxDoc; anything larger, or
// nested deeper than maxDepth (Coral's documents nest about six levels),
// is not something Coral wrote.
const (
	maxDoc   = 4 << 20
	maxDepth = 64
)

// Reasons a document is passed over without being decoded.
var (
	errTooLarge = errors.New("document over 4 MiB")
	errTooDeep  = errors.New("document nested deeper than 64 levels")
	errBroken   = errors.New("document that is not valid JSON")
)

// splitter cuts the top-level documents out of what mongoexport writes: one
// document a line (or, with --pretty, over several lines), or with
// --jsonArray one array of them. It reads a byte at a time and only tracks
// strings and nesting, so it holds at most one document of maxDoc bytes,
// however the file is laid out; decoding is left to encoding/json.
type splitter struct {
	r    *bufio.Reader
	buf  []byte
	off  int64 // bytes read
	line int   // current line, from 1
	// inArray is set between a top-level '[' and its ']'.
	inArray bool
	// compact is set once a document has begun and ended on one line,
	// as mongoexport writes them without --pretty: a line break inside a
	// document then means the line was cut short, and the next line is
	// read as a new document.
	compact bool
	// first is set until the first document or array begins, where a
	// byte order mark may still come.
	first bool
	// Latin1 counts the documents whose invalid UTF-8 was read as
	// Windows-1252.
	latin1 int
}

func newSplitter(r io.Reader) *splitter {
	return &splitter{r: bufio.NewReaderSize(r, 64<<10), line: 1, first: true}
}

// next returns the next document. At the clean end of the input it returns
// io.EOF. A document it read through but will not hand on is reported as
// errTooLarge, errTooDeep or errBroken, and the caller goes on. Any other
// error ends the input and names the place.
func (s *splitter) next() ([]byte, error) {
	for {
		b, err := s.byte()
		if err == io.EOF {
			if s.inArray {
				return nil, s.errorf("the file ends inside the array of documents (cut short?)")
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		switch {
		case b == ' ' || b == '\t' || b == '\r' || b == '\n':
		case b == 0xEF && s.first:
			if err := s.skipBOM(); err != nil {
				return nil, err
			}
		case b == '{':
			s.first = false
			return s.document()
		case b == '[' && !s.inArray:
			s.first = false
			s.inArray = true
		case b == ',' && s.inArray:
		case b == ']' && s.inArray:
			s.inArray = false
		default:
			return nil, s.errorf("%q where a document should begin; is this a mongoexport file?", rune(b))
		}
	}
}

// document reads the rest of one document after its '{'.
func (s *splitter) document() ([]byte, error) {
	start := s.line
	s.buf = append(s.buf[:0], '{')
	depth, over := 1, error(nil)
	inString, escaped := false, false
	for depth > 0 {
		b, err := s.byte()
		if err == io.EOF {
			return nil, s.errorf("the file ends inside the document begun on line %d (cut short?)", start)
		}
		if err != nil {
			return nil, err
		}
		if b == '\n' && s.compact && !s.inArray {
			// A line cut short: skip it and read on from this line.
			return nil, errBroken
		}
		if over == nil {
			if len(s.buf) >= maxDoc {
				over, s.buf = errTooLarge, s.buf[:0]
			} else {
				s.buf = append(s.buf, b)
			}
		}
		switch {
		case inString && escaped:
			escaped = false
		case inString:
			escaped = b == '\\'
			inString = b != '"'
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > maxDepth && over == nil {
				over, s.buf = errTooDeep, s.buf[:0]
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	if s.line == start {
		s.compact = true
	}
	if over != nil {
		return nil, over
	}
	if !utf8.Valid(s.buf) {
		s.buf = latin1(s.buf)
		s.latin1++
	}
	return s.buf, nil
}

// skipBOM reads the two bytes after a leading 0xEF of a UTF-8 byte order
// mark, which editors on Windows put at the start of a file.
func (s *splitter) skipBOM() error {
	for _, want := range []byte{0xBB, 0xBF} {
		b, err := s.byte()
		if err != nil || b != want {
			return s.errorf("a byte order mark cut short or a file that is not JSON")
		}
	}
	return nil
}

func (s *splitter) byte() (byte, error) {
	b, err := s.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("line %d (byte %d): %w", s.line, s.off, err)
	}
	s.off++
	if b == '\n' {
		s.line++
	}
	return b, nil
}

func (s *splitter) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d (byte %d): %s", s.line, s.off, fmt.Sprintf(format, args...))
}

// latin1 returns doc with every byte that is not part of valid UTF-8 read
// as Windows-1252 (Latin-1 with the printable 0x80–0x9F), which is what a
// raw non-UTF-8 byte in a Coral export almost always is. encoding/json
// would turn such bytes into U+FFFD and lose the letter for good.
func latin1(doc []byte) []byte {
	out := make([]byte, 0, len(doc)+16)
	for len(doc) > 0 {
		r, n := utf8.DecodeRune(doc)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(doc[0]))
		} else {
			out = append(out, doc[:n]...)
		}
		doc = doc[n:]
	}
	return out
}
