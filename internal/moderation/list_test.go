package moderation

import (
	"strings"
	"testing"
)

func TestCompileRefuses(t *testing.T) {
	for _, entry := range []string{"...", "id*ot", "*idiot", strings.Repeat("a", maxEntry+1)} {
		if _, err := Compile([]string{"fine", entry}); err == nil {
			t.Errorf("Compile(%q) = nil error, want one", entry)
		}
	}
}

func TestCompileSkipsBlankEntries(t *testing.T) {
	l := MustCompile(t, []string{"", "  ", "idiot", " moron "})
	if l.Len() != 2 {
		t.Fatalf("Len = %d, want 2", l.Len())
	}
	if m := l.Match("you moron"); len(m) != 1 || m[0].Word != "moron" {
		t.Fatalf("Match = %v, want the trimmed entry", m)
	}
}

func TestMatchEmpty(t *testing.T) {
	var nilList *List
	if m := nilList.Match("idiot"); m != nil {
		t.Errorf("nil List: Match = %v", m)
	}
	if m := MustCompile(t, nil).Match("idiot"); m != nil {
		t.Errorf("empty List: Match = %v", m)
	}
	if m := MustCompile(t, []string{"idiot"}).Match(""); m != nil {
		t.Errorf("empty text: Match = %v", m)
	}
}

// TestMatchOverlaps: a phrase and a word inside it are both found, each
// once, in the order of their start.
func TestMatchOverlaps(t *testing.T) {
	l := MustCompile(t, []string{"pute", "fils de pute", "idiot", "idiot*"})
	got := l.Match("fils de pute, idiooot")
	want := []Match{{"fils de pute", 0, 12}, {"pute", 8, 12}, {"idiot", 14, 21}, {"idiot*", 14, 21}}
	if len(got) != len(want) {
		t.Fatalf("Match = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Match[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestMatchFirstOfEqualEntries: entries that normalize alike report the
// first as listed.
func TestMatchFirstOfEqualEntries(t *testing.T) {
	l := MustCompile(t, []string{"Scheiße", "scheisse", "SCHEISSE"})
	if m := l.Match("scheisse"); len(m) != 1 || m[0].Word != "Scheiße" {
		t.Fatalf("Match = %v, want one match of the first entry", m)
	}
}

func TestDefaults(t *testing.T) {
	for _, lang := range Languages() {
		w, ok := Defaults(lang)
		if !ok || len(w.Banned) < 10 || len(w.Suspect) < 10 {
			t.Fatalf("Defaults(%q) = %d banned, %d suspect, %v", lang, len(w.Banned), len(w.Suspect), ok)
		}
		banned, suspect := MustCompile(t, w.Banned), MustCompile(t, w.Suspect)
		// Every entry finds itself, and no entry is on both lists (a
		// banned phrase may contain a suspect word).
		for _, e := range w.Banned {
			if strings.HasPrefix(e, "!") {
				continue
			}
			e = strings.TrimSuffix(e, "*")
			if banned.Match(e) == nil {
				t.Errorf("%s: banned entry %q does not find itself", lang, e)
			}
			for _, m := range suspect.Match(e) {
				if m.Start == 0 && m.End == len(e) {
					t.Errorf("%s: banned entry %q is also suspect (%q)", lang, e, m.Word)
				}
			}
		}
		for _, e := range w.Suspect {
			if exception, ok := strings.CutPrefix(e, "!"); ok {
				if m := suspect.Match(exception); m != nil {
					t.Errorf("%s: exception %q finds %v", lang, e, m)
				}
				continue
			}
			if suspect.Match(strings.TrimSuffix(e, "*")) == nil {
				t.Errorf("%s: suspect entry %q does not find itself", lang, e)
			}
		}
	}
	if w, ok := Defaults("de-AT"); !ok || len(w.Banned) == 0 {
		t.Errorf(`Defaults("de-AT") = %v, %v; want the German lists`, w, ok)
	}
	for _, tag := range []string{"xx", "", "../de", "lists/de"} {
		if _, ok := Defaults(tag); ok {
			t.Errorf("Defaults(%q) found lists", tag)
		}
	}
}

func TestParseWords(t *testing.T) {
	got := ParseWords("# a comment\n\nidiot*\r\n  fils de pute  \n#moron\n")
	if !equal(got, []string{"idiot*", "fils de pute"}) {
		t.Fatalf("ParseWords = %q", got)
	}
}

// TestMatchManyReadings: a list built to make the readings of "1" explode
// is capped; the entries within reach are still found.
func TestMatchManyReadings(t *testing.T) {
	var entries []string
	for i := range 1 << 10 {
		b := strings.Builder{}
		b.WriteByte('x')
		for bit := range 10 {
			b.WriteByte("il"[i>>bit&1])
		}
		b.WriteByte('x')
		entries = append(entries, b.String())
	}
	l := MustCompile(t, entries)
	if m := l.Match("xiiiiiiiiiix xllllllllllx"); len(m) != 2 {
		t.Fatalf("Match = %v, want both words", m)
	}
	if m := l.Match("x" + strings.Repeat("1", 10) + "x"); len(m) == 0 || len(m) > maxStates {
		t.Fatalf("Match of ten 1s: %d matches, want between 1 and %d", len(m), maxStates)
	}
}

// TestMatchExceptions: nothing is found inside an exception, and the
// exception itself is not reported.
func TestMatchExceptions(t *testing.T) {
	l := MustCompile(t, []string{"con", "twat", "!chili con carne", "!twatt"})
	tests := []struct {
		text string
		want []Match
	}{
		{"un chili con carne, espèce de con", []Match{{"con", 31, 34}}},
		{"Un CHILI  CON CARNE", nil},
		{"Twatt is in Orkney, you twat", []Match{{"twat", 24, 28}}},
		{"con carne", []Match{{"con", 0, 3}}},
	}
	for _, tt := range tests {
		got := l.Match(tt.text)
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if _, err := Compile([]string{"!"}); err == nil {
		t.Error(`Compile("!") = nil error, want one`)
	}
}

func TestCompileWords(t *testing.T) {
	ls, err := CompileWords(Words{Banned: []string{"cunt"}, Suspect: []string{"idiot"}})
	if err != nil {
		t.Fatal(err)
	}
	banned, suspect := ls.Match("c.u.n.t, idiot")
	if len(banned) != 1 || banned[0].Word != "cunt" || len(suspect) != 1 || suspect[0].Word != "idiot" {
		t.Fatalf("Match = %v, %v", banned, suspect)
	}
	if banned, suspect := (Lists{}).Match("idiot"); banned != nil || suspect != nil {
		t.Fatalf("empty Lists: Match = %v, %v", banned, suspect)
	}
	if _, err := CompileWords(Words{Suspect: []string{"id*ot"}}); err == nil || !strings.HasPrefix(err.Error(), "suspect: ") {
		t.Fatalf("CompileWords = %v, want the suspect list's error", err)
	}
}
