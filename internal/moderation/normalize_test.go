package moderation

import "testing"

// TestNormalize shows each rule of the normalization on its own.
func TestNormalize(t *testing.T) {
	tests := []struct {
		rule, in, want string
	}{
		{"case", "IdIoT", "idiot"},
		{"diacritics", "Crétin Ärger naïve", "cretin arger naive"},
		{"combining marks", "e\u0301cole", "ecole"},
		{"sharp s", "Scheiße STRASSE Straße", "scheisse strasse strasse"},
		{"ligatures", "Œuvre ﬁn Æsop", "oeuvre fin aesop"},
		{"Cyrillic look-alikes", "іdіоt аrsсh", "idiot arsch"},
		{"Greek look-alikes", "ΙDΙΟΤ", "idiot"},
		{"full-width", "ＩＤＩＯＴ ｃｏｎ", "idiot con"},
		{"mathematical letters", "𝐢𝐝𝐢𝐨𝐭", "idiot"},
		{"letters with a stroke", "Łódź Øre", "lodz ore"},
		{"leet digits in a word", "1d10t sh1t h3ll0 4ss", "idiot shit hello ass"},
		{"numbers stay numbers", "In 2026, 1000 people", "in 2026 1000 people"},
		{"digits that begin or end a word stay digits", "A55 A380 100km", "a55 a380 100km"},
		{"one digit at a word's end is a letter", "put3 1st", "pute ist"},
		{"@ and $ beside a word", "@ss a$$ $5", "ass ass ss"},
		{"@ and $ alone", "me @ home, $ 5", "me home 5"},
		{"! and | inside a word", "b!tch sh|t", "bitch shlt"},
		{"! and | at a word's end", "idiot! no|", "idiot no"},
		{"spelled out with dots", "i.d.i.o.t", "idiot"},
		{"spelled out with spaces", "i d i o t", "idiot"},
		{"spelled out with hyphens and wide gaps", "i - d - i - o - t", "idiot"},
		{"two single letters stay apart", "a b idiot", "a b idiot"},
		{"a single letter stays apart from a word", "a idiot", "a idiot"},
		{"elisions are not spelling", "l'a t'a", "l a t a"},
		{"a line break is not spelling", "a\nb\nc", "a b c"},
		{"too wide a gap is not spelling", "a .... b .... c", "a b c"},
		{"zero-width and soft hyphen", "id\u200biot id\u00adiot", "idiot idiot"},
		{"repeats are kept", "iiidiooot", "iiidiooot"},
		{"punctuation", "Hello, world... (yes)!", "hello world yes"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tt.rule, tt.in, got, tt.want)
		}
	}
}

// TestMatchRules checks, for each rule, what is found and the span of the
// original text it covers.
func TestMatchRules(t *testing.T) {
	l := MustCompile(t, []string{"idiot*", "ass", "arschloch", "fils de pute", "cunt", "spic", "scheiße", "hure*", "shit"})
	tests := []struct {
		rule, text string
		want       []string // text[Start:End] of each match, "word=span"
	}{
		{"plain", "what an idiot.", []string{`idiot*="idiot"`}},
		{"prefix covers the whole word", "idiotic idiots", []string{`idiot*="idiotic"`, `idiot*="idiots"`}},
		{"case and diacritics", "ÏDÏÖT", []string{`idiot*="ÏDÏÖT"`}},
		{"combining mark inside the span", "i\u0301diot", []string{"idiot*=\"i\u0301diot\""}},
		{"leet", "1d10t", []string{`idiot*="1d10t"`}},
		{"1 read as l", "arsch1och", []string{`arschloch="arsch1och"`}},
		{"symbols", "a$$, @ss", []string{`ass="a$$"`, `ass="@ss"`}},
		{"! inside", "sh!t", []string{`shit="sh!t"`}},
		{"! after a word", "shit!", []string{`shit="shit"`}},
		{"spelled out", "you a.s.s", []string{`ass="a.s.s"`}},
		{"spelled out with spaces", "c u n t!", []string{`cunt="c u n t"`}},
		{"repeats", "iiidiooot", []string{`idiot*="iiidiooot"`}},
		{"double letter of the entry", "arrschloch", []string{`arschloch="arrschloch"`}},
		{"repeat of a doubled letter", "asssss", []string{`ass="asssss"`}},
		{"homoglyphs", "сunt", []string{`cunt="сunt"`}},
		{"full-width", "ａｓｓ", []string{`ass="ａｓｓ"`}},
		{"zero-width space", "id\u200biot", []string{"idiot*=\"id\u200biot\""}},
		{"sharp s both ways", "Scheiße scheisse", []string{`scheiße="Scheiße"`, `scheiße="scheisse"`}},
		{"phrase with any spaces and hyphens", "FILS  DE-PUTE", []string{`fils de pute="FILS  DE-PUTE"`}},
		{"phrase not across a comma", "fils de, pute", nil},
		{"prefix entry", "Hurensohn", []string{`hure*="Hurensohn"`}},
		{"Scunthorpe", "Scunthorpe", nil},
		{"word inside a word", "assassin class bass Spicy cocktail Hellas", nil},
		{"fewer letters than the entry", "as is", nil},
		{"a single letter before a word", "a ss", nil},
		{"two words glued by nothing", "aidiot", nil},
		{"the entry in a longer word", "shitake idiom", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range l.Match(tt.text) {
			got = append(got, m.Word+"="+quote(tt.text[m.Start:m.End]))
		}
		if !equal(got, tt.want) {
			t.Errorf("%s: Match(%q) = %q, want %q", tt.rule, tt.text, got, tt.want)
		}
	}
}

func quote(s string) string { return `"` + s + `"` }

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
