package coral

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// date is a time as mongoexport writes one in Extended JSON v2: relaxed
// {"$date":"2021-03-04T05:06:07.123Z"}, canonical (and relaxed for years
// before 1970) {"$date":{"$numberLong":"1614834367123"}}, or the older
// {"$date":1614834367123}. Coral's "no date" is null, a missing field or,
// for a story's closedAt, false.
//
// A date that cannot be read is left zero rather than failing its
// document: the importer gives a post without a usable time its parent's
// or its story's. A date written in a form Extended JSON does not have (a
// bare string, an offset without a colon) is read and marked odd, for the
// parser to count the repair.
type date struct {
	t   time.Time
	odd bool
}

// UnmarshalJSON never fails: see date.
func (d *date) UnmarshalJSON(b []byte) error {
	*d = date{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' || b[0] == 'f' || b[0] == 't' {
		return nil
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			d.t, _ = parseTime(s)
			d.odd = !d.t.IsZero()
		}
		return nil
	}
	var wrapped struct {
		Date json.RawMessage `json:"$date"`
	}
	if json.Unmarshal(b, &wrapped) != nil || len(wrapped.Date) == 0 {
		return nil
	}
	v := bytes.TrimSpace(wrapped.Date)
	switch {
	case len(v) > 0 && v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			var std bool
			d.t, std = parseTime(s)
			d.odd = !d.t.IsZero() && !std
		}
	case len(v) > 0 && v[0] == '{':
		var long struct {
			N string `json:"$numberLong"`
		}
		if json.Unmarshal(v, &long) == nil {
			d.t = millis(long.N)
		}
	default:
		d.t = millis(string(v))
	}
	return nil
}

// Forms of a time that are not RFC 3339 but that tools other than
// mongoexport (the legacy shell, hand-made exports) write; a time in none
// of them is UTC.
var oddLayouts = []string{
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
}

// parseTime reads s, reporting whether it was RFC 3339 as Extended JSON
// requires.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return usable(t), true
	}
	for _, layout := range oddLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return usable(t), false
		}
	}
	return time.Time{}, false
}

// millis reads milliseconds since 1970 written as a decimal integer.
func millis(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return usable(time.UnixMilli(n))
}

// usable returns t in UTC, or zero for a time no comment can have had.
func usable(t time.Time) time.Time {
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}
	}
	return t.UTC()
}
