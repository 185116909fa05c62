package remark42

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"parley/internal/importer"
	"parley/internal/importer/internal/guard"
)

// userMeta is one of the meta record's users (service.UserMetaData).
type userMeta struct {
	ID      string `json:"id"`
	Details struct {
		Email string `json:"email"`
	} `json:"details"`
}

// postMeta is one of the meta record's pages (service.PostMetaData).
type postMeta struct {
	URL      string `json:"url"`
	ReadOnly bool   `json:"read_only"`
}

// meta reads the first line, the meta record, one entry at a time: on a
// big site it lists every user and page, so it is never held whole.
type meta struct {
	p      *parser
	src    *guard.UTF8
	budget *guard.Budget
	dec    *json.Decoder
}

func (p *parser) readMeta() error {
	p.line = 1
	src := guard.NewUTF8(&lineReader{br: p.br})
	budget := guard.NewBudget(src, maxMetaEntry)
	m := &meta{p: p, src: src, budget: budget, dec: json.NewDecoder(budget)}
	if err := m.read(); err != nil {
		if errors.Is(err, errNotBackup) {
			return fmt.Errorf("remark42: %w", err)
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("remark42: line 1 (the meta record), near byte %d: %w", m.dec.InputOffset(), err)
	}
	if src.Fixed > 0 {
		p.e.Repaired(importer.RepairEncoding)
	}
	return nil
}

var errNotBackup = errors.New("not a Remark42 backup: the first line is not its meta record {\"version\":1,…}")

func (m *meta) read() error {
	tok, err := m.dec.Token()
	if errors.Is(err, io.EOF) || err == nil && tok != json.Delim('{') {
		return errNotBackup
	}
	if err != nil {
		return err
	}
	known := false
	for m.dec.More() {
		tok, err := m.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case "version":
			if err := m.version(); err != nil {
				return err
			}
		case "users":
			known = true
			if err := m.each(m.user); err != nil {
				return fmt.Errorf("users: %w", err)
			}
		case "posts":
			known = true
			if err := m.each(m.post); err != nil {
				return fmt.Errorf("posts: %w", err)
			}
		default:
			if err := m.skip(); err != nil {
				return err
			}
		}
	}
	if !known {
		return errNotBackup
	}
	if _, err := m.dec.Token(); err != nil { // the closing brace
		return err
	}
	return m.rest()
}

func (m *meta) version() error {
	m.budget.Reset()
	var v json.Number
	if err := m.dec.Decode(&v); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	if v != "1" && v != "0" {
		return fmt.Errorf("backup version %s; this reads version 1", v)
	}
	return nil
}

// each decodes the array that comes next one element at a time.
func (m *meta) each(one func() error) error {
	tok, err := m.dec.Token()
	if err != nil || tok == nil {
		return err // null: none
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("%v where a list belongs", tok)
	}
	for m.dec.More() {
		m.budget.Reset()
		if err := one(); err != nil {
			return err
		}
	}
	_, err = m.dec.Token()
	return err
}

func (m *meta) user() error {
	var u userMeta
	if err := m.decode(&u, "user entry"); err != nil || u.ID == "" {
		return err
	}
	email := u.Details.Email
	if email != "" && len(u.ID) <= MaxField && len(email) <= MaxField && len(m.p.emails) < maxEmails {
		m.p.emails[u.ID] = email
	}
	return nil
}

func (m *meta) post() error {
	var pm postMeta
	if err := m.decode(&pm, "page entry"); err != nil {
		return err
	}
	if pm.ReadOnly && pm.URL != "" {
		m.p.closed.Add(pm.URL)
	}
	return nil
}

// decode decodes the next value into v; an entry of the wrong shape is
// skipped, since the decoder has read past it whole.
func (m *meta) decode(v any, what string) error {
	err := m.dec.Decode(v)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		m.p.e.Skipped("meta " + what + " with fields of the wrong type")
		return nil
	}
	if errors.Is(err, guard.ErrTooLong) {
		return fmt.Errorf("a %s over 1 MiB", what)
	}
	return err
}

func (m *meta) skip() error {
	m.budget.Reset()
	var skip json.RawMessage
	if err := m.dec.Decode(&skip); err != nil {
		if errors.Is(err, guard.ErrTooLong) {
			return errors.New("an unknown field over 1 MiB")
		}
		return err
	}
	return nil
}

// rest checks that nothing but blanks follows the meta record on its line.
func (m *meta) rest() error {
	m.budget.Reset()
	var extra json.RawMessage
	err := m.dec.Decode(&extra)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return errors.Join(errors.New("more than one record on the first line"), err)
}

// lineReader reads br up to and including the next newline, then reports
// io.EOF: the meta record's line, read as a stream.
type lineReader struct {
	br    *bufio.Reader
	chunk []byte
	done  bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	for len(l.chunk) == 0 {
		if l.done {
			return 0, io.EOF
		}
		chunk, err := l.br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
		case err != nil:
			l.done = true
			if !errors.Is(err, io.EOF) {
				return 0, err
			}
		default:
			l.done = true
		}
		l.chunk = chunk
	}
	n := copy(p, l.chunk)
	l.chunk = l.chunk[n:]
	return n, nil
}
