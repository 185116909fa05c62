// Package textfix repairs the text of other systems' comment exports:
// broken character references and encodings (Clean, CleanHTML), HTML
// bodies turned into the Markdown that Parley stores (Markdown), and story
// IDs derived from URLs exactly as the embed derives them (StoryID).
//
// Every function here is pure and bounded: it takes time linear in its
// input, whatever the input, and returns valid UTF-8.
package textfix

// The repair kinds that Clean and CleanHTML report. They are the values of
// importer.RepairEntity and importer.RepairEncoding, repeated here because
// the importer imports this package (a test keeps them equal).
const (
	kindEntity   = "broken-entity"
	kindEncoding = "broken-encoding"
)

// Clean repairs the character references and the encoding of a text field:
// a name, a title, or a plain-text or Markdown body. It returns the repaired
// text and the kinds of repair made ("broken-entity", "broken-encoding"),
// nil when s was left as it was.
//
// s is taken as text, never as HTML, so every character reference in it is
// a fault of the export and is decoded, as often as it was escaped:
// "Tom &amp;amp; Jerry" and "Tom &amp; Jerry" both become "Tom & Jerry",
// "&amp;quot;" and "&#39" become '"' and "'". The cost of that choice is a
// person who wrote "&amp;" on purpose in a plain-text comment; exports
// that escape their text fields are far more common. Named references need
// their ';' except &amp, &lt, &gt, &quot and &nbsp, which are taken without
// one when no letter, digit or '=' follows (so "?a=1&lt=2" in a URL stays).
// For an HTML body use CleanHTML and then Markdown instead: decoding
// "&lt;b&gt;" there would turn text into markup.
//
// The encoding is repaired in two ways. Bytes that are not UTF-8 are read
// as Windows-1252 ("M\xfcller" becomes "Müller"). Text that is UTF-8 read
// as Windows-1252 or Latin-1 and encoded again ("Ã¤" for "ä", "â€™" for
// "’") is decoded back, as often as it happened, but only when the whole
// string decodes consistently: every character must come from one such
// misreading and the result must be UTF-8 of plausible text. So "Ärger",
// "naïve", "¿Qué?", "« Ça va »" and "„Grüße“" pass unchanged, and so does
// a string that mixes correct text with what looks like mojibake.
//
// Clean(Clean(s)) is Clean(s) for every s.
func Clean(s string) (out string, kinds []string) {
	if d, ok := decodeEntities(s); ok {
		s = d
		kinds = append(kinds, kindEntity)
	}
	if d, ok := repairEncoding(s); ok {
		s = d
		kinds = append(kinds, kindEncoding)
	}
	return s, kinds
}

// CleanHTML is Clean for an HTML body, to be called before Markdown. Its
// result is HTML again, so it repairs only what is a fault in HTML: a
// reference escaped twice or more ("&amp;quot;" and "&amp;amp;quot;" become
// "&quot;", "&amp;#39;" becomes "&#39;", "&amp;amp;" becomes "&amp;") and a
// numeric reference without its ';' ("&#39" becomes "&#39;"). "5 &amp; 6"
// and "&lt;b&gt;" are correct HTML for "5 & 6" and "<b>" and stay. The
// encoding is repaired as Clean does; tags and attributes are ASCII and not
// affected.
func CleanHTML(s string) (out string, kinds []string) {
	if d, ok := unescapeTwice(s); ok {
		s = d
		kinds = append(kinds, kindEntity)
	}
	if d, ok := repairEncoding(s); ok {
		s = d
		kinds = append(kinds, kindEncoding)
	}
	return s, kinds
}
