package markup

import (
	"strings"
	"testing"

	"parley"
)

// worstShapes are 10,000-character bodies built to make Markdown expensive
// or large: deep nesting, runs of one mark, and shapes that made goldmark
// quadratic before the bounds of limit.go.
func worstShapes() map[string]string { return shapesOf(10000) }

// shapesOf returns the worst shapes at about n bytes.
func shapesOf(n int) map[string]string {
	return map[string]string{
		"quotes":            strings.Repeat(">", n-1) + "x",
		"spaced quotes":     strings.Repeat("> ", n/2-1) + "x",
		"quote lines":       growing(n, ">", " a\n"),
		"lists":             strings.Repeat("- ", n/2-1) + "x",
		"ordered lists":     strings.Repeat("1. ", n/3-1) + "x",
		"lists in quotes":   strings.Repeat("> - ", n/4-1) + "x",
		"indented lists":    indentedList(n),
		"empty items":       strings.Repeat("-\n", n/2),
		"stars":             strings.Repeat("*", n),
		"star words":        strings.Repeat("*a", n/2),
		"nested emphasis":   strings.Repeat("*_", n/4) + "x" + strings.Repeat("_*", n/4),
		"nested strong":     strings.Repeat("**__", n/8) + "x" + strings.Repeat("__**", n/8),
		"strikes":           strings.Repeat("~~a", n/3),
		"open brackets":     strings.Repeat("[", n),
		"brackets":          strings.Repeat("[", n/2) + strings.Repeat("]", n/2),
		"open links":        strings.Repeat("[a](", n/4),
		"open images":       strings.Repeat("![a](", n/5),
		"labels":            strings.Repeat("[a]", n/3),
		"links in emphasis": strings.Repeat("*[", n/4) + "a" + strings.Repeat("](https://a.example)*", 1),
		"angles":            strings.Repeat("<", n),
		"open tags":         strings.Repeat("<a ", n/3),
		"open autolinks":    strings.Repeat("<http://", n/8),
		"autolinks":         strings.Repeat("<https://a.bc>", n/14),
		"backticks":         strings.Repeat("`", n),
		"code spans":        strings.Repeat("`a", n/2),
		"growing backticks": growing(n, "`", "a"),
		"pipes":             strings.Repeat("|", n),
		"table":             strings.Repeat("|a|\n", n/4),
		"entities":          strings.Repeat("&amp;", n/5),
		"quote marks":       strings.Repeat(`"`, n),
		"www":               strings.Repeat("www.a.bc ", n/9),
		"urls":              strings.Repeat("https://a.bc ", n/13),
		"emails":            strings.Repeat("a@b.cd ", n/7),
		"lines":             strings.Repeat("a\n", n/2),
		"reference reused":  "[x]: https://a.example/" + strings.Repeat("a", 900) + "\n\n" + strings.Repeat("[x]", (n-950)/3),
		"references":        strings.Repeat("[a]: b\n", n/7),
		"references-20k":    strings.Repeat("[a]: b\n", 2*n/7),
	}
}

// prose10k is an ordinary long comment of 10,000 characters, the
// baseline: paragraphs of sentences with a little emphasis, a quote and
// two links.
func prose10k() string {
	p := "Ich finde den Artikel wirklich gut, aber die Überschrift ist etwas reißerisch. " +
		"Die Zahlen zur Energiewende stimmen, nur fehlt der Vergleich mit den Nachbarländern, " +
		"die ähnliche Wege gehen und dabei andere Erfahrungen gemacht haben. "
	var b strings.Builder
	b.WriteString("> Die Preise sinken.\n\nDas sehe ich **anders**, siehe [Bericht](https://www.bundesnetzagentur.de/monitoring).\n\n")
	for b.Len() < 9900 {
		b.WriteString(p + p + "\n\n")
	}
	b.WriteString("Quelle: https://www.destatis.de/DE/Home/_inhalt.html und _mehr_.")
	return b.String()[:10000]
}

func growing(n int, mark, tail string) string {
	var b strings.Builder
	for i := 1; b.Len() < n; i++ {
		b.WriteString(strings.Repeat(mark, i) + tail)
	}
	return b.String()[:n]
}

func indentedList(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(strings.Repeat(" ", 2*i) + "- a\n")
	}
	return b.String()[:n]
}

// TestWorstShapesAreBounded: every worst shape renders, within MaxHTML,
// with its nesting bounded.
func TestWorstShapesAreBounded(t *testing.T) {
	r := New()
	for name, src := range worstShapes() {
		out := render(t, r, src)
		if len(out) > MaxHTML(len(src)) {
			t.Errorf("%s: %d bytes of HTML from %d", name, len(out), len(src))
		}
		for tag, most := range map[string]int{"<blockquote>": maxBlockDepth, "<ul>": maxBlockDepth, "<ol>": maxBlockDepth, "<a ": maxLinks} {
			if got := strings.Count(out, tag); got > most && tag == "<a " {
				t.Errorf("%s: %d links, want at most %d", name, got, most)
			} else if tag != "<a " && maxOpen(out, tag) > most {
				t.Errorf("%s: %s nested %d deep, want at most %d", name, tag, maxOpen(out, tag), most)
			}
		}
		if d := maxOpen(out, "<em>") + maxOpen(out, "<strong>") + maxOpen(out, "<del>"); d > maxInlineDepth {
			t.Errorf("%s: emphasis nested %d deep, want at most %d", name, d, maxInlineDepth)
		}
	}
}

// maxOpen is how deeply the element that opens with tag nests in html.
func maxOpen(html, tag string) int {
	closing := "</" + tag[1:]
	depth, most := 0, 0
	for i := 0; i < len(html); i++ {
		switch {
		case strings.HasPrefix(html[i:], tag):
			depth++
			most = max(most, depth)
		case strings.HasPrefix(html[i:], closing):
			depth--
		}
	}
	return most
}

// TestDeepStructureKeepsItsText: what lies beyond a bound is flattened,
// not dropped.
func TestDeepStructureKeepsItsText(t *testing.T) {
	r := New()
	tests := []struct{ name, src, want string }{
		{"quotes", strings.Repeat(">", 20) + " tief", strings.Repeat("<blockquote>\n", maxBlockDepth) + "<p>" + strings.Repeat("&gt;", 20-maxBlockDepth) + " tief</p>"},
		{"lists", strings.Repeat("- ", 12) + "tief", strings.Repeat("<ul>\n<li>\n", maxBlockDepth-1) + "<ul>\n<li>- - - - tief</li>"},
		{"emphasis", strings.Repeat("*", 10) + "tief" + strings.Repeat("*", 10), "tief"},
		{"links over the budget", strings.Repeat("www.a.bc ", maxLinks+1), "</a> www.a.bc</p>"},
		{"too many references", strings.Repeat("[a]: b\n", maxReferences+1) + "[a]", "<p>[a]: b<br>\n[a]: b<br>"},
		{"too many elements", strings.Repeat("- *a*\n", maxElements), "<p>- *a*<br>\n- *a*<br>\n"},
	}
	for _, tt := range tests {
		if got := render(t, r, tt.src); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.want)
		}
	}
}

// TestTooLargeIsRefused: HTML over the bound is refused with a key, not
// stored. No comment reaches the real bound, so the test lowers it.
func TestTooLargeIsRefused(t *testing.T) {
	r := New()
	r.maxHTML = func(n int) int { return n }
	out, err := r.Render("- a")
	if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorKey(err) != "tooComplex" || out != "" {
		t.Errorf("Render over the bound = %q, %v; want a tooComplex refusal", out, err)
	}
}

// BenchmarkRenderShapes renders each worst shape and, as the baseline,
// prose of the same length; compare each ns/op with prose-10k's.
func BenchmarkRenderShapes(b *testing.B) {
	r := New()
	shapes := worstShapes()
	shapes["prose-10k"] = prose10k()
	for name, src := range shapes {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := r.Render(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
