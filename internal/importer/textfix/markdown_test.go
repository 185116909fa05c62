package textfix_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"parley/internal/importer/textfix"
	"parley/internal/markup"
)

// markdownCases are bodies as the sources store them and the Markdown
// they become.
var markdownCases = []struct {
	name, in, want string
}{
	{"paragraphs and breaks (Disqus)",
		"<p>Hallo <b>Welt</b>!</p><p>Zweiter <i>Absatz</i><br>neue Zeile</p>",
		"Hallo **Welt**!\n\nZweiter *Absatz*\nneue Zeile"},
	{"autop newlines (WordPress)",
		"Danke für den Artikel.\n\nEine Frage: stimmt das?\nIch glaube <em>nicht</em>.",
		"Danke für den Artikel.\n\nEine Frage: stimmt das?\nIch glaube *nicht*."},
	{"newlines are white space next to tags",
		"<p>Thanks for\nthe write-up.</p>\n\n<p>Second   paragraph.</p>\n",
		"Thanks for the write-up.\n\nSecond paragraph."},
	{"divs and brs (Coral)",
		"<div>¿Y ahora qué?<br></div><div>¡Nada!</div>",
		"¿Y ahora qué?\n\n¡Nada!"},
	{"links",
		`<p>Voir <a href="https://fr.example/été?a=1&amp;b=(2)">l’article</a> et <a href="mailto:redaction@fr.example">écrire</a>.</p>`,
		`Voir [l’article](https://fr.example/été?a=1\&b=\(2\)) et [écrire](mailto:redaction@fr.example).`},
	{"unsafe and relative links keep their text",
		`<a href="javascript:alert(1)">Klick</a> <a href="/intern">intern</a> <a href="data:text/html,x">daten</a> <a>anker</a>`,
		"Klick intern daten anker"},
	{"a link without text shows its target",
		`Quelle: <a href="https://de.example/quelle"></a>`,
		"Quelle: [https://de.example/quelle](https://de.example/quelle)"},
	{"a bang before a link is not an image",
		`Ja!<a href="https://en.example">really</a>`,
		`Ja\![really](https://en.example)`},
	{"bare URLs stay linkable",
		"<p>See https://en.example/wiki/Foo_Bar_(baz) and www.en.example/a_b?x=1&y=2.</p>",
		"See https://en.example/wiki/Foo_Bar_(baz) and www.en.example/a_b?x=1&y=2."},
	{"literal markup characters stay literal",
		"<p>1. kein Punkt</p><p># keine Überschrift</p><p>* kein Stern, _kein_ Unterstrich, [x](y), `z`, 2*3*4, a\\b, &lt;b&gt;, ~~x~~</p><p>- kein Strich</p><p>&gt; kein Zitat</p><p>+ kein Plus</p>",
		"1\\. kein Punkt\n\n\\# keine Überschrift\n\n\\* kein Stern, \\_kein\\_ Unterstrich, \\[x\\](y), \\`z\\`, 2\\*3\\*4, a\\\\b, \\<b>, \\~\\~x\\~\\~\n\n\\- kein Strich\n\n\\> kein Zitat\n\n\\+ kein Plus"},
	{"entities decoded once",
		"Tom &amp; Jerry &lt;3 &eacute;t&eacute; &amp;quot;",
		"Tom & Jerry \\<3 été \\&quot;"},
	{"nested blockquotes",
		"<blockquote><p>Zitat</p><blockquote>verschachtelt</blockquote>weiter</blockquote><p>Antwort</p>",
		"> Zitat\n> >\n> > verschachtelt\n>\n> weiter\n\nAntwort"},
	{"lists",
		"<ul><li>uno</li><li>dos<ol><li>tres</li><li>cuatro</li></ol></li><li>cinco</li></ul><ol start=\"7\"><li>siete</li></ol>",
		"- uno\n- dos\n  1. tres\n  2. cuatro\n- cinco\n\n7) siete"},
	{"two lists in a row stay two",
		"<ul><li>a</li></ul><ul><li>b</li></ul>",
		"- a\n\n+ b"},
	{"list items without end tags",
		"<ul><li>eins<li>zwei</ul>danach",
		"- eins\n- zwei\n\ndanach"},
	{"headings become bold lines",
		"<h2>Mise à jour</h2><p>Texte</p>",
		"**Mise à jour**\n\nTexte"},
	{"code and pre",
		"<p>Mit <code>a`b</code> und <code>x &lt; y</code></p><pre>\nfunc main() {\n\tfmt.Println(\"*hi*\")\n}\n```</pre>",
		"Mit ``a`b`` und `x < y`\n\n````\nfunc main() {\n\tfmt.Println(\"*hi*\")\n}\n```\n````"},
	{"emphasis next to emphasis",
		"<em>a</em><strong>b</strong> <em>foo</em>bar <b> fett </b>ende",
		"*a***b** *foo*bar **fett** ende"},
	{"strikethrough",
		"<p><del>falsch</del> <s>auch</s> richtig</p>",
		"~~falsch auch~~ richtig"},
	{"images",
		`<p>Bild: <img src="https://i.example/a.png" alt="Ein Hund"> <img src="https://i.example/b.png"> <img src="javascript:x"></p>`,
		"Bild: Ein Hund [https://i.example/b.png](https://i.example/b.png)"},
	{"scripts and styles dropped with their content",
		`<script>alert("x")</script><style>p{color:red}</style><p onclick="alert(1)">Texte<script/>alert(2)</script></p><svg><text>vecteur</text></svg>`,
		"Texte"},
	{"other elements reduced to their text",
		`<p><span style="color:red">rot</span> <u>unterstrichen</u> <font size=7>groß</font> <sup>2</sup></p><table><tr><td>a</td><td>b</td></tr></table>`,
		"rot unterstrichen groß 2\n\na b"},
	{"line break in code", "<code>a<br>b</code>", "`a b`"},
	{"invalid UTF-8 and NUL", "a\xffb\x00c", "a\uFFFDb\uFFFDc"},
	{"empty", "  <p> </p> <br> ", ""},
}

func TestMarkdown(t *testing.T) {
	for _, tc := range markdownCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := textfix.Markdown(tc.in); got != tc.want {
				t.Errorf("Markdown(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestMarkdownRenders renders the Markdown of bodies with internal/markup
// and checks that the HTML means what the body meant.
func TestMarkdownRenders(t *testing.T) {
	r := markup.New()
	for _, tc := range []struct {
		name, in string
		want     []string // fragments of the rendered HTML, in order
	}{
		{"emphasis", "<p>Das ist <b>wichtig</b> und <i>schön</i>, <strong><em>sehr</em></strong>.</p>",
			[]string{"<strong>wichtig</strong>", "<em>schön</em>", "<strong>sehr</strong>"}},
		{"links", `<p>Lee <a href="https://es.example/artículo?id=1&amp;p=2">el artículo</a>.</p>`,
			[]string{`<a href="https://es.example/art%C3%ADculo?id=1&amp;p=2" rel="nofollow ugc noopener noreferrer">el artículo</a>`}},
		{"link across paragraphs", `<a href="https://en.example"><p>one</p><p>two</p></a>`,
			[]string{`<p><a href="https://en.example" rel="nofollow ugc noopener noreferrer">one</a></p>`, `<p><a href="https://en.example" rel="nofollow ugc noopener noreferrer">two</a></p>`}},
		{"quotes", "<blockquote>Premier<blockquote>Second</blockquote></blockquote><p>Réponse</p>",
			[]string{"<blockquote>\n<p>Premier</p>\n<blockquote>\n<p>Second</p>\n</blockquote>\n</blockquote>\n<p>Réponse</p>"}},
		{"lists", "<ol><li>eins</li><li>zwei<ul><li>a</li></ul></li></ol>",
			[]string{"<ol>\n<li>eins</li>\n<li>zwei\n<ul>\n<li>a</li>\n</ul>\n</li>\n</ol>"}},
		{"code", "<p><code>*x*</code></p><pre>&lt;b&gt;\n  *y*</pre>",
			[]string{"<code>*x*</code>", "<pre><code>&lt;b&gt;\n  *y*\n</code></pre>"}},
		{"literal text", "<p>1. # * _ [a](b) &lt;i&gt;x&lt;/i&gt; &amp;amp; 3 &gt; 2</p>",
			[]string{"<p>1. # * _ [a](b) &lt;i&gt;x&lt;/i&gt; &amp;amp; 3 &gt; 2</p>"}},
		{"line start", "<p>erste<br>1. zweite<br># dritte<br>- vierte<br>&gt; fünfte<br>===</p>",
			[]string{"<p>erste<br>\n1. zweite<br>\n# dritte<br>\n- vierte<br>\n&gt; fünfte<br>\n===</p>"}},
		{"heading", "<h1>Titre</h1>", []string{"<p><strong>Titre</strong></p>"}},
		{"bare URL", "<p>Mehr unter https://de.example/wiki/A_B_(C)?x=1&amp;y=2 hier</p>",
			[]string{`<a href="https://de.example/wiki/A_B_(C)?x=1&amp;y=2"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := textfix.Markdown(tc.in)
			got, err := r.Render(md)
			if err != nil {
				t.Fatalf("Render(%q): %v", md, err)
			}
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Markdown(%q) = %q renders to\n%s\nwant it to contain, in order:\n%s", tc.in, md, got, w)
				}
				rest = rest[i+len(w):]
			}
			if err := checkRendered(got); err != nil {
				t.Errorf("%s: %v", got, err)
			}
		})
	}
}

// unsafeBodies try to get executable HTML through the conversion.
var unsafeBodies = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://evil.example/x.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<img src="javascript:alert(1)">`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href=" JaVaScRiPt:alert(1)">x</a>`,
	`<a href="java&#x0A;script:alert(1)">x</a>`,
	`<a href="java&#9;script:alert(1)">x</a>`,
	"<a href=\"java\u200bscript:alert(1)\">x</a>",
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`,
	`<a href="https://a.example" onclick="alert(1)">x</a>`,
	`<a href='https://a.example/"onmouseover="alert(1)'>x</a>`,
	`<a href="https://a.example/)(javascript:alert(1)">x</a>`,
	`<a href="https://a.example/><script>alert(1)</script>">x</a>`,
	`<p>[x](javascript:alert(1))</p>`,
	`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`,
	`<p>&lt;img src=x onerror=alert(1)&gt;</p>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<svg onload=alert(1)><script>alert(1)</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>`,
	`<pre>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>`,
	`<a href="https://a.example">[y](javascript:alert(1))</a>`,
	`<img alt="[x](javascript:alert(1))">`,
}

func TestMarkdownUnsafe(t *testing.T) {
	r := markup.New()
	for _, in := range unsafeBodies {
		md := textfix.Markdown(in)
		got, err := r.Render(md)
		if err != nil {
			t.Errorf("Render(Markdown(%q) = %q): %v", in, md, err)
			continue
		}
		if err := checkRendered(got); err != nil {
			t.Errorf("Markdown(%q) = %q renders to %q: %v", in, md, got, err)
		}
	}
}

// checkRendered reports the first element or attribute in rendered HTML
// that is not one of internal/markup's, or a link to something else than
// an http, https or mailto URL.
func checkRendered(s string) error {
	allowed := map[string]bool{"p": true, "br": true, "em": true, "strong": true, "del": true, "a": true,
		"ul": true, "ol": true, "li": true, "blockquote": true, "code": true, "pre": true}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if !allowed[tok.Data] {
				return fmt.Errorf("element %q", tok.Data)
			}
			for _, a := range tok.Attr {
				switch {
				case tok.Data == "a" && a.Key == "href":
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
						return fmt.Errorf("href %q", a.Val)
					}
				case tok.Data == "a" && a.Key == "rel":
				default:
					return fmt.Errorf("attribute %s=%q on %s", a.Key, a.Val, tok.Data)
				}
			}
		case html.CommentToken, html.DoctypeToken:
			return fmt.Errorf("comment or doctype")
		}
	}
}

// TestMarkdownDeep converts bodies nested 10,000 deep: they must convert
// (without recursion, so without a deep stack) to Markdown that is no
// deeper than internal/markup shows and that it renders.
func TestMarkdownDeep(t *testing.T) {
	const n = 10_000
	r := markup.New()
	for name, body := range map[string]string{
		"blockquote": strings.Repeat("<blockquote>z", n) + strings.Repeat("</blockquote>", n),
		"unclosed":   strings.Repeat("<blockquote><ul><li><b><i><a href=https://x.example>", n) + "text",
		"lists":      strings.Repeat("<ul><li>x", n),
		"ol":         strings.Repeat("<ol start=999999999><li>x<li>y", n),
		"inline":     strings.Repeat("<b><i><del><code>", n) + "text" + strings.Repeat("</code></del></i></b>", n),
		"divs":       strings.Repeat("<div>", n) + "text" + strings.Repeat("</div>", n),
		"links":      strings.Repeat(`<a href="https://x.example/">`, n) + "text",
		"pre":        strings.Repeat("<pre>", n) + "code" + strings.Repeat("</pre>", n),
		"stray ends": strings.Repeat("</b></li></blockquote></a>", n) + "text",
		"misnested":  strings.Repeat("<b><i>x</b></i>", n),
	} {
		t.Run(name, func(t *testing.T) {
			md := textfix.Markdown(body)
			if !utf8.ValidString(md) {
				t.Fatalf("not valid UTF-8")
			}
			// Linear: each line is indented at most 8 levels.
			if len(md) > 20*len(body)+64 {
				t.Fatalf("%d bytes of Markdown for %d of HTML", len(md), len(body))
			}
			for line := range strings.SplitSeq(md, "\n") {
				if d := strings.Count(line, "> ") + strings.Count(line, "- ") + strings.Count(line, "+ "); d > 8+2 {
					t.Fatalf("a line nested %d deep: %.80q", d, line)
				}
			}
			if _, err := r.Render(md); err != nil && len(md) <= markup.MaxSourceLen {
				t.Fatalf("Render: %v", err)
			}
		})
	}
}

// typicalBody is a comment of about 1 KB as Disqus stores it.
const typicalBody = `<p>Danke für den ausführlichen Artikel! Ich habe das Thema seit Jahren verfolgt und finde, dass ` +
	`die <b>entscheidende Frage</b> kaum gestellt wird: Wer zahlt am Ende die Rechnung?</p>` +
	`<blockquote><p>Die Kosten werden sich in den nächsten zehn Jahren verdoppeln.</p></blockquote>` +
	`<p>Das halte ich für <i>optimistisch</i>. Die Zahlen des Statistischen Bundesamts ` +
	`(<a href="https://www.destatis.example/DE/Themen/Gesellschaft-Umwelt/_inhalt.html">hier</a>) ` +
	`zeigen etwas anderes:</p><ul><li>2015: 3,2 %</li><li>2020: 4,1 %</li><li>2024: 5,8 %</li></ul>` +
	`<p>Wenn das so weitergeht, sind wir 2030 bei über 8 %. Oder übersehe ich etwas?<br>` +
	`Grüße aus Köln &amp; bis bald!</p><p>P.S.: Die Grafik im zweiten Abschnitt ist leider ` +
	`nicht lesbar &ndash; könnten Sie eine größere Version verlinken? Auf dem Handy sieht man ` +
	`die Beschriftung der Achsen gar nicht, und der Kontrast ist zu gering.</p>`

func BenchmarkMarkdown(b *testing.B) {
	b.SetBytes(int64(len(typicalBody)))
	for b.Loop() {
		textfix.Markdown(typicalBody)
	}
}
