package guard

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestUTF8(t *testing.T) {
	tests := []struct {
		name, in, want string
		fixed          int64
	}{
		{"valid text passes as it is", "Grüße, ¿qué tal? « Très bien » 🚲", "Grüße, ¿qué tal? « Très bien » 🚲", 0},
		{"Latin-1 bytes", "caf\xe9 \xa1ol\xe9!", "café ¡olé!", 3},
		{"Windows-1252 quotes", "\x93Stra\xdfe\x94", "“Straße”", 3},
		{"a cut sequence at the end", "Ende\xc3", "EndeÃ", 1},
		{"a lone continuation byte", "a\x80b", "a€b", 1},
		{"mojibake is valid UTF-8 and stays for textfix", "fÃ¼r", "fÃ¼r", 0},
	}
	for _, tt := range tests {
		for _, one := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.in)
			if one { // every sequence cut across reads
				r = iotest.OneByteReader(r)
			}
			u := NewUTF8(r)
			got, err := io.ReadAll(iotest.OneByteReader(u))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || u.Fixed != tt.fixed {
				t.Errorf("%s (one byte a read: %v): %q, %d fixed; want %q, %d", tt.name, one, got, u.Fixed, tt.want, tt.fixed)
			}
		}
	}
}

func TestUTF8Error(t *testing.T) {
	boom := errors.New("disk gone")
	u := NewUTF8(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)))
	got, err := io.ReadAll(u)
	if string(got) != "abc" || !errors.Is(err, boom) {
		t.Errorf("got %q, %v; want abc and the reader's error", got, err)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(strings.NewReader(strings.Repeat("x", 100)), 10)
	buf := make([]byte, 8)
	for range 2 {
		if _, err := b.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Read(buf); !errors.Is(err, ErrTooLong) {
		t.Errorf("third read: %v, want ErrTooLong after 16 of 10 bytes", err)
	}
	b.Reset()
	if _, err := b.Read(buf); err != nil {
		t.Errorf("after Reset: %v", err)
	}
}

func TestSeen(t *testing.T) {
	s := NewSeen(2)
	for _, step := range []struct {
		key  string
		want bool
	}{
		{"a", true}, {"a", false}, {"b", true}, {"a", false},
		{"c", true}, {"c", false}, // full: c is only compared with the last key
		{"b", false}, {"c", true},
	} {
		if got := s.Add(step.key); got != step.want {
			t.Errorf("Add(%q) = %v, want %v", step.key, got, step.want)
		}
	}
	if !s.Has("a") || s.Has("c") {
		t.Errorf("Has: a %v, c %v; want a remembered, c not", s.Has("a"), s.Has("c"))
	}
}

func TestTime(t *testing.T) {
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	tests := []struct {
		in      string
		want    time.Time
		odd, ok bool
	}{
		{"2026-03-10T08:15:00Z", utc("2026-03-10T08:15:00Z"), false, true},
		{"2026-03-10T10:02:30.123+01:00", utc("2026-03-10T09:02:30.123Z"), false, true},
		{"0001-01-01T00:00:00Z", time.Time{}, false, true},
		{"", time.Time{}, false, true},
		{"2026-05-02 18:30:00", utc("2026-05-02T18:30:00Z"), true, true},
		{"2026-05-02 18:30:00+02:00", utc("2026-05-02T16:30:00Z"), true, true},
		{"2026-05-02T18:30:00", utc("2026-05-02T18:30:00Z"), true, true},
		{"1767225600", utc("2026-01-01T00:00:00Z"), true, true},
		{"ayer por la tarde", time.Time{}, false, false},
		{"99999999999999", time.Time{}, false, false},
	}
	for _, tt := range tests {
		got, odd, ok := Time(tt.in)
		if !got.Equal(tt.want) || got.Location() != time.UTC || odd != tt.odd || ok != tt.ok {
			t.Errorf("Time(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, odd, ok, tt.want, tt.odd, tt.ok)
		}
	}
}

func TestStamp(t *testing.T) {
	for in, want := range map[string]Stamp{`"2026-01-01T00:00:00Z"`: "2026-01-01T00:00:00Z", `1767225600`: "1767225600", `null`: ""} {
		var s Stamp
		if err := s.UnmarshalJSON([]byte(in)); err != nil || s != want {
			t.Errorf("Stamp %s = %q, %v; want %q", in, s, err, want)
		}
	}
	var s Stamp
	if err := s.UnmarshalJSON([]byte(`{"$date":1}`)); err == nil {
		t.Errorf("an object: no error")
	}
}
