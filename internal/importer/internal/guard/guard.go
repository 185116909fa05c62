// Package guard holds what the JSON parsers of package importer (remark42,
// commento) need to read a hostile export in bounded memory: a reader that
// turns stray Latin-1 bytes into UTF-8 before encoding/json replaces them,
// a reader that stops a single record from growing without end, a set of
// keys already seen that cannot outgrow its bound, and the time forms
// exports really carry.
package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// UTF8 reads r and replaces each byte that is not part of valid UTF-8 by
// the character it stands for in Windows-1252, the usual cause of such
// bytes in an export (a Latin-1 database column, a hand-edited file).
// encoding/json would otherwise turn them into U+FFFD and the text would be
// lost; after this, textfix sees the characters that were meant. Fixed
// counts the bytes replaced, so that a parser can count the repair.
type UTF8 struct {
	r     io.Reader
	in    []byte // read from r, not yet handed out
	out   []byte // converted, not yet handed out
	eof   bool
	err   error
	Fixed int64
}

// NewUTF8 returns a UTF8 reading r.
func NewUTF8(r io.Reader) *UTF8 { return &UTF8{r: r, in: make([]byte, 0, 32<<10)} }

func (u *UTF8) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.eof {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill reads once from r and converts what is complete; up to three bytes
// of a sequence cut by the read stay in u.in for the next one.
func (u *UTF8) fill() {
	n, err := u.r.Read(u.in[len(u.in):cap(u.in)])
	u.in = u.in[:len(u.in)+n]
	if err != nil {
		u.eof, u.err = true, err
	}
	buf := u.in
	end := len(buf)
	if !u.eof {
		end = completeUpTo(buf)
	}
	var fixed int
	u.out, fixed = AppendUTF8(u.out[:0], buf[:end])
	u.Fixed += int64(fixed)
	u.in = append(u.in[:0], buf[end:]...)
}

// AppendUTF8 appends src to dst with each byte that is not part of valid
// UTF-8 replaced by its Windows-1252 character, and returns how many bytes
// it replaced.
func AppendUTF8(dst, src []byte) ([]byte, int) {
	if utf8.Valid(src) {
		return append(dst, src...), 0
	}
	fixed := 0
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size == 1 {
			r = charmap.Windows1252.DecodeByte(src[0])
			fixed++
		}
		dst = utf8.AppendRune(dst, r)
		src = src[size:]
	}
	return dst, fixed
}

// completeUpTo returns the length of buf without a trailing UTF-8 sequence
// that more bytes could still complete.
func completeUpTo(buf []byte) int {
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-3; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				return i
			}
			break
		}
	}
	return len(buf)
}

// ErrTooLong is returned by a Budget's Read once a record has read more
// than its bound.
var ErrTooLong = errors.New("record too long")

// Budget reads r and fails with ErrTooLong once more than Max bytes have
// been read since the last Reset: the bound on one record's size when a
// json.Decoder reads a stream (a 100 MB string would otherwise be held
// whole). The decoder reads ahead a little, so the bound is approximate by
// one buffer.
type Budget struct {
	r    io.Reader
	max  int64
	used int64
}

// NewBudget returns a Budget of max bytes per record reading r.
func NewBudget(r io.Reader, max int64) *Budget { return &Budget{r: r, max: max} }

// Reset starts the next record's budget.
func (b *Budget) Reset() { b.used = 0 }

func (b *Budget) Read(p []byte) (int, error) {
	if b.used > b.max {
		return 0, ErrTooLong
	}
	n, err := b.r.Read(p)
	b.used += int64(n)
	return n, err
}

// Seen remembers keys (a thread's, an author's) to hand each on once. It
// keeps 64-bit hashes, not the keys, and at most Max of them; past that it
// remembers only the last key, so that memory stays bounded on any input
// and an export grouped by thread (as both formats write them) still
// yields each key once.
type Seen struct {
	seed maphash.Seed
	set  map[uint64]struct{}
	max  int
	last string
}

// NewSeen returns an empty Seen of at most max hashes.
func NewSeen(max int) *Seen {
	return &Seen{seed: maphash.MakeSeed(), set: map[uint64]struct{}{}, max: max}
}

// Has reports whether key was remembered.
func (s *Seen) Has(key string) bool {
	_, ok := s.set[maphash.String(s.seed, key)]
	return ok
}

// Add reports whether key is new, and remembers it.
func (s *Seen) Add(key string) bool {
	defer func() { s.last = key }()
	h := maphash.String(s.seed, key)
	if _, ok := s.set[h]; ok {
		return false
	}
	if len(s.set) >= s.max {
		return key != s.last
	}
	s.set[h] = struct{}{}
	return true
}

// Time parses an export's time: RFC 3339 as both formats write it (ok),
// or one of the forms hand-made or converted exports carry instead (odd:
// a space for the T, no zone, which is taken as UTC, or Unix seconds). The
// zero time ("0001-01-01T00:00:00Z", "") is no time: the core repairs it.
// A string that is none of these gives ok false and the zero time.
func Time(s string) (t time.Time, odd, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return utc(t), false, true
	}
	for _, layout := range oddLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return utc(t), true, true
		}
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 && sec < 1<<35 {
		return time.Unix(sec, 0).UTC(), true, true
	}
	return time.Time{}, false, false
}

var oddLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

func utc(t time.Time) time.Time {
	if t.IsZero() || t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}

// Stamp is a time field as the file has it: a JSON string, or a number of
// Unix seconds that some converted exports write instead; Time parses it.
type Stamp string

// UnmarshalJSON keeps a string's text or a number's digits.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = Stamp(str)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*s = Stamp(n)
	}
	return nil
}
