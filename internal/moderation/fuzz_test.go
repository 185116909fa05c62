package moderation

import (
	"testing"
	"unicode/utf8"
)

// FuzzMatch: Match never panics, and every span lies within the text, is
// not empty, and starts and ends where a rune of the text starts or ends.
func FuzzMatch(f *testing.F) {
	for _, c := range readCorpus(f) {
		f.Add(c.text)
	}
	for _, s := range []string{"", "\xff\xfe", "a\u0301\u0301", "i.d.i.o.t!", "ß", "\u200b\u200b", "1|!@$€", "e\xcc"} {
		f.Add(s)
	}
	w, _ := Defaults("en")
	l := MustCompile(f, append(w.Suspect, "i", "ss", "fils de pute", "a b", "1312", "ß*", "!con carne", "!a"))
	f.Fuzz(func(t *testing.T, text string) {
		edges := map[int]bool{len(text): true}
		for i := range text {
			edges[i] = true
		}
		for _, m := range l.Match(text) {
			if m.Start < 0 || m.Start >= m.End || m.End > len(text) || !edges[m.Start] || !edges[m.End] {
				t.Fatalf("Match(%q): span [%d,%d) of %q is not a span of runes", text, m.Start, m.End, m.Word)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[m.Start:m.End]) {
				t.Fatalf("Match(%q): span [%d,%d) is not valid UTF-8", text, m.Start, m.End)
			}
		}
		_ = Normalize(text)
	})
}
