package parley_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"parley"
)

func TestNewIDSortsByTime(t *testing.T) {
	base := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 100 {
		ids = append(ids, parley.NewID(base.Add(time.Duration(i)*time.Millisecond)))
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("IDs made in later milliseconds do not sort later: %v", ids[:5])
	}
	a, b := parley.NewID(base), parley.NewID(base)
	if a == b || len(a) != 26 {
		t.Errorf("NewID twice in one millisecond: %q %q", a, b)
	}
}

func TestDerivedID(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := parley.DerivedID(at, "site", "disqus", "t1", "p1")
	if a != parley.DerivedID(at, "site", "disqus", "t1", "p1") {
		t.Errorf("DerivedID differs for the same time and parts")
	}
	if !parley.ValidCommentID(a) || a[:9] != parley.NewID(at)[:9] {
		t.Errorf("DerivedID = %q: not an ID of NewID's form with the time first", a)
	}
	for _, other := range []string{
		parley.DerivedID(at, "site", "disqus", "t1", "p2"),
		parley.DerivedID(at, "site", "disqus", "t1p", "1"),
		parley.DerivedID(at.Add(time.Millisecond), "site", "disqus", "t1", "p1"),
	} {
		if other == a {
			t.Errorf("DerivedID gives %q for other parts or time", a)
		}
	}
	if later := parley.DerivedID(at.Add(time.Millisecond), "x"); later <= a {
		t.Errorf("a later DerivedID %q sorts before %q", later, a)
	}
}

func TestValidCommentID(t *testing.T) {
	id := parley.NewID(time.Now())
	for s, want := range map[string]bool{
		id: true, "01jq7x2m9k3v8r5t6w4y0z1a2b": true, "00000000000000000000000000": true,
		"": false, id[:25]: false, id + "0": false, strings.ToUpper(id): false,
		"01jq7x2m9k3v8r5t6w4y0z1a2i": false, "01jq7x2m9k3v8r5t6w4y0z1a2l": false,
		"01jq7x2m9k3v8r5t6w4y0z1a2o": false, "01jq7x2m9k3v8r5t6w4y0z1a2u": false,
		"01jq7x2m9k3v8r5t6w4y0z1a2\x00": false, "01jq7x2m9k3v8r5t6w4y0z1a2\xff": false,
		"01jq7x2m9k3v8r5t6w4y0z1a-b": false, "nope": false,
	} {
		if got := parley.ValidCommentID(s); got != want {
			t.Errorf("ValidCommentID(%q) = %t, want %t", s, got, want)
		}
	}
}

func TestValidOrigin(t *testing.T) {
	for o, want := range map[string]bool{
		"https://news.example": true, "http://localhost:8080": true,
		"https://news.example/": false, "https://news.example/path": false, "ftp://x.example": false,
		"news.example": false, "https://user@news.example": false, "": false, "https://": false,
		// written otherwise than browsers send them, so they would never match
		"https://News.Example": false, "HTTPS://news.example": false, "https://news.example:443": false,
		"http://news.example:80": false, "https://news.example:": false, "https://bücher.example": false,
		"https://news.example:8443": true, "https://xn--bcher-kva.example": true, "http://[::1]:8080": true,
	} {
		if got := parley.ValidOrigin(o); got != want {
			t.Errorf("ValidOrigin(%q) = %t, want %t", o, got, want)
		}
	}
}

func TestSiteValidate(t *testing.T) {
	ok := parley.Site{ID: "news", EditWindow: time.Minute, MaxBodyLength: 100, Origins: []string{"https://news.example"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid site: %v", err)
	}
	for name, mutate := range map[string]func(*parley.Site){
		"id":     func(s *parley.Site) { s.ID = "no spaces" },
		"origin": func(s *parley.Site) { s.Origins = []string{"https://x.example/"} },
		"window": func(s *parley.Site) { s.EditWindow = -time.Second },
		"length": func(s *parley.Site) { s.MaxBodyLength = parley.MaxBodyLengthLimit + 1 },
	} {
		s := ok
		mutate(&s)
		if code := parley.ErrorCode(s.Validate()); code != parley.EINVALID {
			t.Errorf("%s: code %q, want invalid", name, code)
		}
	}
}

func TestErrorCode(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", parley.Errorf(parley.ENOTFOUND, "No %s.", "story"))
	if parley.ErrorCode(wrapped) != parley.ENOTFOUND || parley.ErrorMessage(wrapped) != "No story." {
		t.Errorf("wrapped: %q %q", parley.ErrorCode(wrapped), parley.ErrorMessage(wrapped))
	}
	plain := errors.New("driver exploded at 0xdeadbeef")
	if parley.ErrorCode(plain) != parley.EINTERNAL || parley.ErrorMessage(plain) == plain.Error() {
		t.Errorf("internal error leaks: %q", parley.ErrorMessage(plain))
	}
	if parley.ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
}

func TestShown(t *testing.T) {
	for _, tt := range []struct {
		status string
		n      int
		want   bool
	}{
		{parley.StatusApproved, 0, true}, {parley.StatusDeleted, 0, false}, {parley.StatusDeleted, 2, true},
		{parley.StatusPending, 1, false}, {parley.StatusRejected, 0, false},
	} {
		if got := parley.Shown(tt.status, tt.n); got != tt.want {
			t.Errorf("Shown(%s, %d) = %t", tt.status, tt.n, got)
		}
	}
}
