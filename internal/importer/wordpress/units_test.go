package wordpress

import (
	"testing"
	"time"

	"parley/internal/importer"
)

func TestAutop(t *testing.T) {
	for in, want := range map[string]string{
		"one line":                      "one line",
		"a\nb":                          "<p>a<br>\nb</p>",
		"a\r\n\r\nb":                    "<p>a</p>\n<p>b</p>",
		"a\n \t\nb\n\n\n":               "<p>a</p>\n<p>b</p>",
		"<blockquote>q</blockquote>\nx": "<blockquote>q</blockquote>\nx",
		"<ul>\n<li>x</li>\n</ul>\n\nok": "<ul>\n<li>x</li>\n</ul>\n<p>ok</p>",
		"<pref>a\n\nb":                  "<p><pref>a</p>\n<p>b</p>",
		"x\n<PRE>a\n\nb</PRE>\ny":       "<p>x</p>\n<PRE>a\n\nb</PRE>\n<p>y</p>",
		"x\n<pre>unclosed\n\nz":         "<p>x</p>\n<pre>unclosed\n\nz",
		"<p>already</p>\n\n<p>done</p>": "<p>already</p>\n<p>done</p>",
	} {
		if got := autop(in); got != want {
			t.Errorf("autop(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    string
		odd, ok bool
	}{
		{"2024-03-04 09:15:00", "2024-03-04 09:15:00", false, true},
		{"0000-00-00 00:00:00", "", false, false},
		{"", "", false, false},
		{"yesterday", "", false, false},
		{"2024-13-01 00:00:00", "", false, false},
		{"1970-01-01 00:00:00", "", false, false},
		{"2024-05-11T12:00:00+02:00", "2024-05-11 10:00:00", true, true},
		{"2024-05-11T10:00:00", "2024-05-11 10:00:00", true, true},
		{"2024-05-11 10:00", "2024-05-11 10:00:00", true, true},
		{"2024-05-11", "2024-05-11 00:00:00", true, true},
		{"Sat, 11 May 2024 10:00:00 +0200", "2024-05-11 08:00:00", true, true},
	} {
		got, odd, ok := parseTime(c.in)
		if ok != c.ok || odd != c.odd || ok && !got.Equal(at(c.want)) {
			t.Errorf("parseTime(%q) = %v, %v, %v; want %s, %v, %v", c.in, got, odd, ok, c.want, c.odd, c.ok)
		}
	}
}

func TestClock(t *testing.T) {
	var c clock
	if got, kinds := c.resolve("0000-00-00 00:00:00", "2024-01-01 12:00:00"); !got.Equal(at("2024-01-01 12:00:00")) || len(kinds) != 1 {
		t.Errorf("no offset known: %v %v", got, kinds)
	}
	c.resolve("2024-06-01 10:00:00", "2024-06-01 12:00:00")
	if got, kinds := c.resolve("", "2024-06-02 12:00:00"); !got.Equal(at("2024-06-02 10:00:00")) || kinds[0] != RepairLocalTime {
		t.Errorf("offset +2h: %v %v", got, kinds)
	}
	c.resolve("2024-06-01 10:00:00", "2024-06-01 10:07:00") // not a zone's offset
	c.resolve("2024-06-01 00:00:00", "2024-06-03 00:00:00") // nor this
	if c.offset != 2*time.Hour {
		t.Errorf("offset %v after implausible pairs", c.offset)
	}
	if got, _ := c.resolve("bad", "bad"); !got.IsZero() {
		t.Errorf("no usable date: %v", got)
	}
}

func TestCommentStatus(t *testing.T) {
	for in, want := range map[string]struct {
		st  importer.Status
		odd bool
	}{
		"1": {approved, false}, "0": {pending, false}, "spam": {spam, false},
		"trash": {deleted, false}, "post-trashed": {deleted, false},
		"approved": {approved, true}, " SPAM": {spam, true}, "Trash": {deleted, true},
		"hold": {pending, true}, "": {pending, true}, "maybe": {pending, true},
	} {
		if st, odd := commentStatus(in); st != want.st || odd != want.odd {
			t.Errorf("commentStatus(%q) = %v, %v; want %v", in, st, odd, want)
		}
	}
}

func TestClosed(t *testing.T) {
	for in, want := range map[string][2]bool{
		"open": {false, false}, "closed": {true, false}, "": {false, false},
		"Closed": {true, true}, "registered_only": {false, true},
	} {
		if c, odd := closed(in); c != want[0] || odd != want[1] {
			t.Errorf("closed(%q) = %v, %v; want %v", in, c, odd, want)
		}
	}
}

func TestKnownEntity(t *testing.T) {
	for in, want := range map[string]bool{
		"amp;": true, "nbsp; x": true, "eacute;": true, "#8230;": true, "#x2026;": true,
		"nbsp x": false, "foo;": false, "#0;": false, "#xD800;": false, "#12a;": false,
		"#;": false, "#x;": false, ";": false, "": false, "#99999999999;": false,
	} {
		if got := knownEntity([]byte(in)); got != want {
			t.Errorf("knownEntity(%q) = %v", in, got)
		}
	}
}

func TestLangTag(t *testing.T) {
	for in, want := range map[string]string{
		"de-DE": "de-DE", "de_DE": "de-DE", "en": "en", "pt-br": "pt-BR", "": "", "not a tag!": "",
	} {
		if got := langTag(in); got != want {
			t.Errorf("langTag(%q) = %q, want %q", in, got, want)
		}
	}
}
