package textfix_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"parley"
	"parley/internal/importer/textfix"
	"parley/internal/markup"
)

// FuzzClean checks that Clean and CleanHTML return valid UTF-8, reach their
// fixpoint in one call, and report a repair exactly when they made one.
func FuzzClean(f *testing.F) {
	for _, tc := range cleanCases {
		f.Add(tc.in)
	}
	for _, s := range cleanText {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, clean := range map[string]func(string) (string, []string){
			"Clean": textfix.Clean, "CleanHTML": textfix.CleanHTML,
		} {
			out, kinds := clean(s)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: not valid UTF-8", name, s, out)
			}
			if (kinds == nil) != (out == s) {
				t.Fatalf("%s(%q) = %q, %q: kinds do not match the change", name, s, out, kinds)
			}
			if again, kinds := clean(out); again != out || kinds != nil {
				t.Fatalf("%s(%q) = %q, but %s(%q) = %q, %q", name, s, out, name, out, again, kinds)
			}
		}
	})
}

// FuzzMarkdown checks that Markdown returns valid UTF-8 that internal/markup
// renders without anything unsafe, whatever the HTML.
func FuzzMarkdown(f *testing.F) {
	for _, tc := range markdownCases {
		f.Add(tc.in)
	}
	for _, s := range unsafeBodies {
		f.Add(s)
	}
	f.Add(typicalBody)
	r := markup.New()
	f.Fuzz(func(t *testing.T, body string) {
		md := textfix.Markdown(body)
		if !utf8.ValidString(md) {
			t.Fatalf("Markdown(%q) = %q: not valid UTF-8", body, md)
		}
		out, err := r.Render(md)
		if err != nil {
			if parley.ErrorKey(err) != "tooComplex" {
				t.Fatalf("Render(Markdown(%q) = %q): %v", body, md, err)
			}
			return
		}
		if err := checkRendered(out); err != nil {
			t.Fatalf("Markdown(%q) = %q renders to %q: %v", body, md, out, err)
		}
		if strings.Contains(strings.ToLower(out), "<script") || strings.Contains(strings.ToLower(out), `href="javascript:`) {
			t.Fatalf("Markdown(%q) = %q renders to %q", body, md, out)
		}
	})
}
