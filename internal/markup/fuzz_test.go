package markup

import (
	"strings"
	"testing"
	"unicode/utf8"

	"parley"
)

// normalComments are ordinary comments, so that the fuzzer also mutates
// from inputs that exercise the allowed features.
var normalComments = []string{
	"Danke für den Artikel!",
	"Ich sehe das **anders**:\n- erstens\n- zweitens\n\n> Zitat aus dem Text\n\nGruß",
	"Quelle: https://www.destatis.de/DE/Home/_inhalt.html und [hier](https://example.org/a?b=c&d=e).",
	"1. eins\n2. zwei\n   1. zwei-a\n\n`code` und\n\n```\nblock\n```",
	"~~falsch~~ *richtig*\nneue Zeile  \nharte Zeile",
	"Schreib mir: leser@example.org oder www.example.org",
}

func FuzzRender(f *testing.F) {
	for _, s := range xssVectors {
		f.Add(s)
	}
	for _, s := range normalComments {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.Render(src)
		if err != nil {
			if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorKey(err) != "tooComplex" || out != "" {
				t.Fatalf("Render(%q) = %q, %v: want only a tooComplex refusal", src, out, err)
			}
			return
		}
		if n := len(r.normalize.Replace(strings.ToValidUTF8(src, "\uFFFD"))); len(out) > MaxHTML(n) {
			t.Fatalf("Render(%q): %d bytes of HTML, more than MaxHTML(%d)", src, len(out), n)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Render(%q) = %q: not valid UTF-8", src, out)
		}
		if err := checkSafe(out); err != nil {
			t.Fatalf("Render(%q) = %q: %v", src, out, err)
		}
		if again, _ := r.Render(src); again != out {
			t.Fatalf("Render(%q) not deterministic:\n%q\n%q", src, out, again)
		}
	})
}
