package moderation

import (
	"os"
	"strings"
	"testing"
)

// corpusLine is one labelled comment of testdata/corpus.txt.
type corpusLine struct {
	line        int
	lang, label string
	text        string
}

func readCorpus(t testing.TB) []corpusLine {
	t.Helper()
	b, err := os.ReadFile("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines []corpusLine
	for i, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.SplitN(l, " ", 3)
		if len(f) != 3 || severity(f[1]) < 0 {
			t.Fatalf("corpus.txt:%d: want \"lang label text\", got %q", i+1, l)
		}
		lines = append(lines, corpusLine{i + 1, f[0], f[1], f[2]})
	}
	return lines
}

// severity orders the labels, -1 for an unknown one.
func severity(label string) int {
	switch label {
	case "ok":
		return 0
	case "suspect":
		return 1
	case "banned":
		return 2
	}
	return -1
}

// maxCorpusErrors is the most false positives, and the most false negatives,
// a language may have on the corpus.
const maxCorpusErrors = 0

// TestCorpus runs the default lists of each language over the corpus and
// counts false positives (a harsher verdict than the label) and false
// negatives (a milder one).
func TestCorpus(t *testing.T) {
	type count struct{ lines, fp, fn int }
	counts := map[string]*count{}
	compiled := map[string]Lists{}
	for _, lang := range Languages() {
		w, _ := Defaults(lang)
		ls, err := CompileWords(w)
		if err != nil {
			t.Fatal(err)
		}
		compiled[lang], counts[lang] = ls, &count{}
	}
	for _, c := range readCorpus(t) {
		lists, ok := compiled[c.lang]
		if !ok {
			t.Fatalf("corpus.txt:%d: no lists for %q", c.line, c.lang)
		}
		got, found := "ok", []Match(nil)
		switch banned, suspect := lists.Match(c.text); {
		case banned != nil:
			got, found = "banned", banned
		case suspect != nil:
			got, found = "suspect", suspect
		}
		n := counts[c.lang]
		n.lines++
		switch want := severity(c.label); {
		case severity(got) > want:
			n.fp++
			t.Logf("false positive, corpus.txt:%d: %q is %s: %s", c.line, c.text, got, spans(c.text, found))
		case severity(got) < want:
			n.fn++
			t.Logf("false negative, corpus.txt:%d: %q is %s, want %s (%q)", c.line, c.text, got, c.label, Normalize(c.text))
		}
	}
	for _, lang := range Languages() {
		n := counts[lang]
		t.Logf("%s: %d lines, %d false positives, %d false negatives", lang, n.lines, n.fp, n.fn)
		if n.lines < 60 {
			t.Errorf("%s: only %d corpus lines, want at least 60", lang, n.lines)
		}
		if n.fp > maxCorpusErrors || n.fn > maxCorpusErrors {
			t.Errorf("%s: %d false positives and %d false negatives, want at most %d of each", lang, n.fp, n.fn, maxCorpusErrors)
		}
	}
}

// spans shows what each match covers in text.
func spans(text string, ms []Match) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Word + "=" + `"` + text[m.Start:m.End] + `" `)
	}
	return b.String()
}

// MustCompile compiles entries or fails the test.
func MustCompile(t testing.TB, entries []string) *List {
	t.Helper()
	l, err := Compile(entries)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
