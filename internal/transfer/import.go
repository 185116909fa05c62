package transfer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"parley"
)

// maxLine bounds one line of an import: a comment of the longest allowed
// body with its HTML fits many times over.
const maxLine = 16 << 20

// Import reads an export of ours from r and writes it into site siteID of
// target (created from the file's site line when missing), a unit of work
// per story. It stops at the first line it cannot use, with its number;
// the units before it stay written, and running the import again after a
// fix adds only what is missing.
func Import(ctx context.Context, target Target, r io.Reader, siteID string) (Stats, error) {
	w := NewWriter(ctx, target, siteID)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := importLine(w, sc.Bytes(), n == 1); err != nil {
			return w.Stats(), fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return w.Stats(), fmt.Errorf("line %d: %w", n+1, err)
	}
	if n == 0 {
		return w.Stats(), parley.Errorf(parley.EINVALID, "The file is empty.")
	}
	return w.Stats(), w.Flush()
}

// importLine decodes one line and hands it to w.
func importLine(w *Writer, line []byte, first bool) error {
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return parley.Errorf(parley.EINVALID, "Not a JSON object: %v", err)
	}
	if h.V != Version {
		return parley.Errorf(parley.EINVALID, "Format version %d; this Parley reads version %d.", h.V, Version)
	}
	if first != (h.Type == TypeSite) {
		return parley.Errorf(parley.EINVALID, "The site line comes first, and only once.")
	}
	switch h.Type {
	case TypeSite:
		return decode(line, w.Site)
	case TypeUser:
		return decode(line, w.User)
	case TypeStory:
		return decode(line, w.Story)
	case TypeComment:
		return decode(line, w.Comment)
	case TypeReaction:
		return decode(line, w.Reaction)
	case TypeReport:
		return decode(line, w.Report)
	case TypeAudit:
		return decode(line, w.Audit)
	case TypeRevision:
		return decode(line, w.Revision)
	case TypeNotice:
		return decode(line, w.Notice)
	case TypeComplaint:
		return decode(line, w.Complaint)
	}
	return parley.Errorf(parley.EINVALID, "Unknown record type %q.", h.Type)
}

// decode unmarshals line into a new T and passes it to fn.
func decode[T any](line []byte, fn func(*T) error) error {
	rec := new(T)
	if err := json.Unmarshal(line, rec); err != nil {
		return parley.Errorf(parley.EINVALID, "The record does not read: %v", err)
	}
	return fn(rec)
}
