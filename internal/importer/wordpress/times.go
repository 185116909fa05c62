package wordpress

import "time"

// wpLayout is how WXR writes every date but an item's pubDate.
const wpLayout = "2006-01-02 15:04:05"

// oddLayouts are forms WordPress does not write but hand-edited or
// converted exports carry; a date in one of them is read and counted.
var oddLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// maxOffset bounds the zone offsets a site can have.
const maxOffset = 14 * time.Hour

// parseTime reads a date of the file. A date in UTC or without a zone is
// returned as it reads, in UTC; ok is false for a date that is not one
// (WordPress writes "0000-00-00 00:00:00" for a time it never had), odd
// true for one read from a form of oddLayouts.
func parseTime(s string) (t time.Time, odd, ok bool) {
	if s == "" {
		return time.Time{}, false, false
	}
	if t, err := time.Parse(wpLayout, s); err == nil {
		return t, false, plausible(t)
	}
	for _, layout := range oddLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return t, true, plausible(t)
		}
	}
	return time.Time{}, false, false
}

// plausible rejects what no comment system stored: dates before the web.
func plausible(t time.Time) bool { return t.Year() >= 1990 && t.Year() <= 9999 }

// clock turns the GMT and local dates of a record into one UTC time. The
// site's zone is not in the file: it is learnt from the records that
// give both dates, the latest one winning (offsets change with summer
// time), and used for a record whose GMT date is missing; a file that
// never gives both is taken as UTC.
type clock struct {
	offset time.Duration
}

// resolve returns the record's time, or zero when neither date is
// usable, and the repairs it took.
func (c *clock) resolve(gmt, local string) (time.Time, []string) {
	g, gOdd, gOK := parseTime(gmt)
	l, lOdd, lOK := parseTime(local)
	if gOK && lOK {
		c.learn(l.Sub(g))
	}
	var kinds []string
	switch {
	case gOK:
		if gOdd {
			kinds = append(kinds, RepairOddDate)
		}
		return g, kinds
	case lOK:
		kinds = append(kinds, RepairLocalTime)
		if lOdd {
			kinds = append(kinds, RepairOddDate)
		}
		return l.Add(-c.offset), kinds
	}
	return time.Time{}, nil
}

func (c *clock) learn(d time.Duration) {
	if d >= -maxOffset && d <= maxOffset && d%(15*time.Minute) == 0 {
		c.offset = d
	}
}
