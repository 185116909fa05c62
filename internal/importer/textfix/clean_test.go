package textfix_test

import (
	"slices"
	"testing"

	"parley/internal/importer"
	"parley/internal/importer/textfix"
)

var (
	entity   = []string{importer.RepairEntity}
	encoding = []string{importer.RepairEncoding}
	both     = []string{importer.RepairEntity, importer.RepairEncoding}
)

// cleanCases are text fields as exports get them wrong, with what they
// should have been.
var cleanCases = []struct {
	name, in, want string
	kinds          []string
}{
	// German
	{"de mojibake", "GrÃ¼ÃŸe aus KÃ¶ln", "Grüße aus Köln", encoding},
	{"de mojibake capitals", "Ã„rger mit der StraÃŸenbahn", "Ärger mit der Straßenbahn", encoding},
	{"de mojibake quotes", "â€žSchÃ¶n!â€œ, sagte sie.", "„Schön!“, sagte sie.", encoding},
	{"de mojibake twice", "GrÃƒÂ¼ÃƒÅ¸e aus KÃƒÂ¶ln", "Grüße aus Köln", encoding},
	{"de Windows-1252 bytes", "M\xfcller schreibt: Gr\xfc\xdfe, \x84gut\x93", "Müller schreibt: Grüße, „gut“", encoding},
	{"de euro byte", "Kostet 5 \x80 im Monat", "Kostet 5 € im Monat", encoding},
	{"de bytes among UTF-8", "Jörg und J\xf6rg", "Jörg und Jörg", encoding},
	{"de named entities", "Sch&ouml;ne Gr&uuml;&szlig;e, J&uuml;rgen", "Schöne Grüße, Jürgen", entity},
	{"de entity and mojibake", "&Atilde;&curren;rger", "ärger", both},
	// English
	{"en numeric", "It&#39;s fine", "It's fine", entity},
	{"en numeric leading zero", "It&#039;s fine", "It's fine", entity},
	{"en hex", "It&#x27;s fine", "It's fine", entity},
	{"en numeric without semicolon", "don&#8217t panic", "don’t panic", entity},
	{"en Windows-1252 reference", "don&#146;t panic", "don’t panic", entity},
	{"en double amp", "Tom &amp;amp; Jerry", "Tom & Jerry", entity},
	{"en amp in text", "Tom &amp; Jerry", "Tom & Jerry", entity},
	{"en double quot", "&amp;quot;Breaking&amp;quot; news", `"Breaking" news`, entity},
	{"en double numeric", "It&amp;#39;s late", "It's late", entity},
	{"en escaped three times", "&amp;amp;amp;lt;3", "<3", entity},
	{"en amp without semicolon", "Fish &amp chips", "Fish & chips", entity},
	{"en mojibake apostrophe", "donâ€™t panic", "don’t panic", encoding},
	{"en mojibake quotes", "â€œHelloâ€\u009d", "“Hello”", encoding},
	{"en mojibake emoji", "Thumbs up ðŸ‘\u008d", "Thumbs up 👍", encoding},
	{"en NUL reference", "a&#0;b", "a\uFFFDb", entity},
	{"en surrogate reference", "a&#xD800;b", "a\uFFFDb", entity},
	// Spanish
	{"es mojibake", "Â¿QuÃ© tal? Â¡MaÃ±ana!", "¿Qué tal? ¡Mañana!", encoding},
	{"es mojibake twice", "Ã‚Â¿QuÃƒÂ© tal? Ã‚Â¡MaÃƒÂ±ana!", "¿Qué tal? ¡Mañana!", encoding},
	{"es Windows-1252 bytes", "\xbfQu\xe9 pas\xf3 en Espa\xf1a?", "¿Qué pasó en España?", encoding},
	{"es named entities", "&iquest;Qu&eacute; tal, se&ntilde;or?", "¿Qué tal, señor?", entity},
	// French
	{"fr mojibake", "Â« Ã‡a va Â», dit-il. Lâ€™Ã©tÃ©", "« Ça va », dit-il. L’été", encoding},
	{"fr references", "C&rsquo;est l&#x2019;&eacute;t&eacute;", "C’est l’été", entity},
	{"fr double-escaped guillemets", "&amp;laquo;&amp;nbsp;Bonjour&amp;nbsp;&amp;raquo;", "«\u00a0Bonjour\u00a0»", entity},
	{"fr Windows-1252 bytes", "No\xebl \xe0 la for\xeat, \x9cuvre", "Noël à la forêt, œuvre", encoding},
}

// cleanText is text that is right as it is: Clean must not touch it.
var cleanText = []string{
	"",
	"Ärger", "naïve", "Straße", "Fuß", "Grüße aus Köln", "„Schön!“, sagte sie.", "»Zitat«", "Spaß«",
	"AT&T", "R&D", "Tom & Jerry", "a && b", "&", "&;", "&#;", "&#x;", "&#xyz", "&unknown;", "&notit;",
	"https://example.org/?a=1&copy=2&lt=3&para=4", "5 &", "It’s “fine”.", "Ünïcödé ÄÖÜ äöü ß",
	"¿Qué?", "¡Olé!", "Mañana, año", "São Paulo", "Âge",
	"« Ça va », dit-il.", "L’été, Noël, Œuvre", "Crème brûlée",
	"👍", "日本語", "Ελληνικά", "Привет",
	"5 € für Kaffee",
	// Mojibake next to a character it cannot come from is not repaired:
	// only the whole string decides.
	"GrÃ¼ÃŸe 👍", "It’s Ã¤",
	// A valid U+FFFD stays.
	"a\uFFFDb",
}

func TestClean(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			got, kinds := textfix.Clean(tc.in)
			if got != tc.want || !slices.Equal(kinds, tc.kinds) {
				t.Errorf("Clean(%q) = %q, %q; want %q, %q", tc.in, got, kinds, tc.want, tc.kinds)
			}
			if again, kinds := textfix.Clean(got); again != got || kinds != nil {
				t.Errorf("Clean(%q) = %q, %q: not a fixpoint", got, again, kinds)
			}
		})
	}
}

func TestCleanLeavesCleanText(t *testing.T) {
	for _, s := range cleanText {
		if got, kinds := textfix.Clean(s); got != s || kinds != nil {
			t.Errorf("Clean(%q) = %q, %q; want it unchanged", s, got, kinds)
		}
	}
}

// TestCleanFormsReferences checks that references formed only by decoding
// others are decoded too, so that Clean's result has none left.
func TestCleanFormsReferences(t *testing.T) {
	for in, want := range map[string]string{
		"&&#35;39;":              "'",
		"&&&#35;35;39;":          "'",
		"&l&#116;;":              "<",
		"&#38;#38;#38;quot;":     `"`,
		"&amp;&#35;x27;":         "'",
		"&#38;amp;amp;eacute;":   "é",
		"&amp;amp;amp;amp;amp;":  "&",
		"x &amp;amp y":           "x & y",
		"&amp;lt;b&amp;gt; fett": "<b> fett",
	} {
		if got, _ := textfix.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanHTML(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		kinds    []string
	}{
		{"<p>Tom &amp;amp; Jerry</p>", "<p>Tom &amp; Jerry</p>", entity},
		{"<p>&amp;quot;Zitat&amp;quot;</p>", "<p>&quot;Zitat&quot;</p>", entity},
		{"<p>It&amp;#39;s</p>", "<p>It&#39;s</p>", entity},
		{"<p>It&amp;amp;#39;s</p>", "<p>It&#39;s</p>", entity},
		{"<p>It&#39s</p>", "<p>It&#39;s</p>", entity},
		{"<p>&amp;laquo; Bonjour &amp;raquo;</p>", "<p>&laquo; Bonjour &raquo;</p>", entity},
		{"<p>Gr\xfc\xdfe</p>", "<p>Grüße</p>", encoding},
		{"<p>&amp;quot;Ã‡a va&amp;quot;</p>", "<p>&quot;Ça va&quot;</p>", both},
		// Right as they are.
		{"<p>5 &amp; 6 &lt;b&gt; &quot;x&quot; &#39;y&#39;</p>", "<p>5 &amp; 6 &lt;b&gt; &quot;x&quot; &#39;y&#39;</p>", nil},
		{`<a href="https://x.example/?a=1&amp;b=2">Straße</a>`, `<a href="https://x.example/?a=1&amp;b=2">Straße</a>`, nil},
		{"AT&T &amp;", "AT&T &amp;", nil},
	} {
		got, kinds := textfix.CleanHTML(tc.in)
		if got != tc.want || !slices.Equal(kinds, tc.kinds) {
			t.Errorf("CleanHTML(%q) = %q, %q; want %q, %q", tc.in, got, kinds, tc.want, tc.kinds)
		}
		if again, kinds := textfix.CleanHTML(got); again != got || kinds != nil {
			t.Errorf("CleanHTML(%q) = %q, %q: not a fixpoint", got, again, kinds)
		}
	}
}
