package markup

import (
	"strings"
	"sync"
	"testing"
)

const rel = ` rel="nofollow ugc noopener noreferrer"`

func TestRender(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", ""},
		{"blank", " \n\t\n", ""},
		{"paragraph", "Hallo Welt", "<p>Hallo Welt</p>"},
		{"paragraphs", "eins\n\nzwei", "<p>eins</p>\n<p>zwei</p>"},
		{"soft break becomes br", "eins\nzwei", "<p>eins<br>\nzwei</p>"},
		{"crlf from a textarea", "eins\r\nzwei\r\n\r\ndrei", "<p>eins<br>\nzwei</p>\n<p>drei</p>"},
		{"hard break", "eins  \nzwei\\\ndrei", "<p>eins<br>\nzwei<br>\ndrei</p>"},
		{"emphasis", "*a* _b_", "<p><em>a</em> <em>b</em></p>"},
		{"strong", "**a** __b__", "<p><strong>a</strong> <strong>b</strong></p>"},
		{"strikethrough", "~~weg~~", "<p><del>weg</del></p>"},
		{"link", "[Heise](https://www.heise.de/)", `<p><a href="https://www.heise.de/"` + rel + `>Heise</a></p>`},
		{"link title dropped", `[x](http://a.example "Titel")`, `<p><a href="http://a.example"` + rel + `>x</a></p>`},
		{"link with query", "[q](https://a.example/?x=1&y=2)", `<p><a href="https://a.example/?x=1&amp;y=2"` + rel + `>q</a></p>`},
		{"link with umlaut", "[K](https://de.wikipedia.org/wiki/Köln)", `<p><a href="https://de.wikipedia.org/wiki/K%C3%B6ln"` + rel + `>K</a></p>`},
		{"mailto link", "[mail](mailto:leser@example.org)", `<p><a href="mailto:leser@example.org"` + rel + `>mail</a></p>`},
		{"reference link", "[a][r]\n\n[r]: https://r.example/", `<p><a href="https://r.example/"` + rel + `>a</a></p>`},
		{"angle autolink", "<https://a.example/x>", `<p><a href="https://a.example/x"` + rel + `>https://a.example/x</a></p>`},
		{"bare url", "siehe https://a.example/p?q=1.", `<p>siehe <a href="https://a.example/p?q=1"` + rel + `>https://a.example/p?q=1</a>.</p>`},
		{"bare url with umlaut", "https://de.wikipedia.org/wiki/Köln", `<p><a href="https://de.wikipedia.org/wiki/K%C3%B6ln"` + rel + `>https://de.wikipedia.org/wiki/Köln</a></p>`},
		{"bare www", "www.heise.de", `<p><a href="http://www.heise.de"` + rel + `>www.heise.de</a></p>`},
		{"bare email", "an leser@example.org", `<p>an <a href="mailto:leser@example.org"` + rel + `>leser@example.org</a></p>`},
		{"bare ftp stays text", "ftp://a.example/x", "<p>ftp://a.example/x</p>"},
		{"autolink whose encoded form does not parse", `<https://">`, "<p>https://&#34;</p>"},
		{"unsafe link keeps text", "[klick](javascript:alert(1))", "<p>klick</p>"},
		{"relative link keeps text", "[x](/admin)", "<p>x</p>"},
		{"image becomes link", "![Ein Bild](https://i.example/a.png)", `<p><a href="https://i.example/a.png"` + rel + `>Ein Bild</a></p>`},
		{"image without alt", "![](https://i.example/a.png)", `<p><a href="https://i.example/a.png"` + rel + `>https://i.example/a.png</a></p>`},
		{"image in link", "[![alt](https://i.example/a.png)](https://l.example/)", `<p><a href="https://l.example/"` + rel + `>alt</a></p>`},
		{"unordered list", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"},
		{"ordered list", "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"},
		{"ordered list start dropped", "3. a", "<ol>\n<li>a</li>\n</ol>"},
		{"nested list", "- a\n  - b", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"},
		{"blockquote", "> Zitat\n> weiter", "<blockquote>\n<p>Zitat<br>\nweiter</p>\n</blockquote>"},
		{"inline code", "`a < b`", "<p><code>a &lt; b</code></p>"},
		{"fenced code", "```go\nif a < b {\n}\n```", "<pre><code>if a &lt; b {\n}\n</code></pre>"},
		{"indented code", "    x := 1", "<pre><code>x := 1\n</code></pre>"},
		{"heading becomes paragraph", "# Titel\nText", "<p>Titel</p>\n<p>Text</p>"},
		{"setext heading becomes paragraph", "Titel\n=====", "<p>Titel</p>"},
		{"thematic break dropped", "a\n\n***\n\nb", "<p>a</p>\n<p>b</p>"},
		{"table stays text", "| a | b |\n|---|---|\n| 1 | 2 |", "<p>| a | b |<br>\n|---|---|<br>\n| 1 | 2 |</p>"},
		{"inline html shown as text", "nutze <b>fett</b>", "<p>nutze &lt;b&gt;fett&lt;/b&gt;</p>"},
		{"html block shown as text", "<div>\nhallo\n</div>", "<p>&lt;div&gt;<br>\nhallo<br>\n&lt;/div&gt;</p>"},
		{"entities", "a &amp; b &lt; c &copy;", "<p>a &amp; b &lt; c ©</p>"},
		{"quotes", `"zitiert" & 'so'`, "<p>&#34;zitiert&#34; &amp; &#39;so&#39;</p>"},
		{"invalid utf8", "a\xffb", "<p>a\uFFFDb</p>"},
		{"nul", "a\x00b", "<p>a\uFFFDb</p>"},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, r, tt.src); got != tt.want {
				t.Errorf("Render(%q)\n got  %q\n want %q", tt.src, got, tt.want)
			}
		})
	}
}

// TestRenderConcurrent documents that one Renderer serves all requests;
// run with -race to make it meaningful.
func TestRenderConcurrent(t *testing.T) {
	r := New()
	src := benchComment
	want := render(t, r, src)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got, _ := r.Render(src); got != want {
					t.Errorf("concurrent Render differs: %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

const benchComment = `Ich finde den Artikel **wirklich gut**, aber die Überschrift ist _etwas_ reißerisch.
Die Zahlen stammen aus dem [Monitoringbericht](https://www.bundesnetzagentur.de/monitoring).

> Die Preise sinken.

Das sehe ich anders:
- Netzentgelte steigen
- Speicher fehlen

Grüße aus Köln und danke für die Recherche!`

func BenchmarkRender(b *testing.B) {
	r := New()
	b.SetBytes(int64(len(benchComment)))
	b.ReportAllocs()
	for b.Loop() {
		if out, err := r.Render(benchComment); err != nil || !strings.HasPrefix(out, "<p>") {
			b.Fatalf("unexpected output %q", out)
		}
	}
}

func TestRenderLongSourceIsPlain(t *testing.T) {
	src := strings.Repeat("[a](", MaxSourceLen/4) + "\n<b>x</b>"
	want := "<p>" + strings.Repeat("[a](", MaxSourceLen/4) + "<br>\n&lt;b&gt;x&lt;/b&gt;</p>"
	if got := render(t, New(), src); got != want {
		t.Errorf("Render(long) = %.80q…, want plain text", got)
	}
}

// render is Render for sources that must not be refused.
func render(tb testing.TB, r *Renderer, src string) string {
	tb.Helper()
	out, err := r.Render(src)
	if err != nil {
		tb.Fatalf("Render(%.80q): %v", src, err)
	}
	return out
}
