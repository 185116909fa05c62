package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBodyShape(t *testing.T) {
	g := newTextGen(1)
	const n = 300
	var total int
	features := map[string]int{"emphasis": 0, "link": 0, "quote": 0, "list": 0, "umlaut": 0}
	for range n {
		b := g.Body()
		if !utf8.ValidString(b) {
			t.Fatalf("body is not valid UTF-8: %q", b)
		}
		runes := utf8.RuneCountInString(b)
		if runes < 200 || runes > 500 {
			t.Errorf("body has %d characters, want about 300: %q", runes, b)
		}
		total += runes
		count := func(name string, ok bool) {
			if ok {
				features[name]++
			}
		}
		count("emphasis", strings.Contains(b, "*"))
		count("link", strings.Contains(b, "](https://"))
		count("quote", strings.HasPrefix(b, "> "))
		count("list", strings.Contains(b, "\n- "))
		count("umlaut", strings.ContainsAny(b, "äöüÄÖÜß"))
	}
	if avg := total / n; avg < 250 || avg > 380 {
		t.Errorf("average body length %d characters, want about 300", avg)
	}
	for name, c := range features {
		if c < n/20 || (name != "umlaut" && name != "emphasis" && c > n*3/4) {
			t.Errorf("%s appears in %d of %d bodies, want some but not nearly all", name, c, n)
		}
	}
}

func TestBodyDeterministic(t *testing.T) {
	a, b, c := newTextGen(7), newTextGen(7), newTextGen(8)
	for i := range 20 {
		x, y, z := a.Body(), b.Body(), c.Body()
		if x != y {
			t.Fatalf("body %d differs for the same seed:\n%q\n%q", i, x, y)
		}
		if x == z {
			t.Fatalf("body %d is the same for different seeds: %q", i, x)
		}
	}
}

func TestName(t *testing.T) {
	name := newTextGen(3).Name()
	if first, last, ok := strings.Cut(name, " "); !ok || first == "" || last == "" {
		t.Errorf("Name() = %q, want first and last name", name)
	}
}
