package service

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"parley"
)

const (
	maxNameLength   = 50
	maxNoteLength   = 1000
	maxTitleLength  = 500
	maxReplyDepth   = 64
	maxCountStories = 100
)

// cleanText normalizes user text the one way Parley stores it: valid UTF-8,
// NFC, \n line ends, no control characters but tab and newline, trimmed.
// field names the input in the error message.
func cleanText(s, field string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", parley.Errorf(parley.EINVALID, "The %s is not valid UTF-8.", field).Keyed("badText")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	for _, r := range s {
		if r == '\n' && !multiline {
			return "", parley.Errorf(parley.EINVALID, "The %s must be a single line.", field)
		}
		if forbiddenRune(r) {
			return "", parley.Errorf(parley.EINVALID, "The %s contains a control character.", field).Keyed("badText")
		}
	}
	return strings.TrimSpace(norm.NFC.String(s)), nil
}

// forbiddenRune reports control and bidi-override characters, which can hide
// or reorder text in ways readers cannot see.
func forbiddenRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// maxLangLength is the longest language tag a story may have, as in
// parley.Story.Validate.
const maxLangLength = 35

// cleanLang returns a story's language in canonical BCP 47 form ("de-at" is
// "de-AT"), "" for none, and EINVALID for anything that is not a tag: the
// tag is stored, sent to every reader and put in lang attributes.
func cleanLang(tag string) (string, error) {
	if tag == "" {
		return "", nil
	}
	bad := parley.Errorf(parley.EINVALID, "The language must be a BCP 47 tag such as de or pt-BR.").Keyed("badLang")
	if len(tag) > maxLangLength || strings.ContainsFunc(tag, func(r rune) bool { return !isTagChar(r) }) {
		return "", bad
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", bad
	}
	return t.String(), nil
}

// isTagChar reports the characters of a BCP 47 tag. language.Parse also
// takes "_" and surrounding space; a stored tag has neither.
func isTagChar(r rune) bool {
	return r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// cleanBody validates and normalizes a comment body against a site's limit.
func cleanBody(body string, site *parley.Site) (string, error) {
	body, err := cleanText(body, "comment", true)
	if err != nil {
		return "", err
	}
	if !visible(body) {
		return "", errEmpty
	}
	if n := utf8.RuneCountInString(body); n > site.MaxBodyLength {
		return "", parley.Errorf(parley.EINVALID, "The comment is %d characters long; the limit is %d.", n, site.MaxBodyLength).Keyed("tooLong")
	}
	return body, nil
}

var errEmpty = parley.Errorf(parley.EINVALID, "The comment is empty.").Keyed("empty")

// cleanName validates a display name: one line of plain text.
func cleanName(name string) (string, error) {
	name, err := cleanText(name, "name", false)
	if err != nil {
		return "", err
	}
	if !visible(name) {
		return "", parley.Errorf(parley.EINVALID, "Please give a name to post under.").Keyed("nameRequired")
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return "", parley.Errorf(parley.EINVALID, "A name is at most %d characters.", maxNameLength)
	}
	return name, nil
}

// visible reports whether s has at least one character that shows: not
// white space, not a mark without a base (a combining accent, a variation
// selector), not one of the characters Unicode says to draw as nothing
// (zero-width space and joiners, word joiner, BOM, tag characters, Hangul
// fillers) and not the blank Braille pattern. Such characters stay where
// they do their job, inside visible text (a ZWJ emoji sequence, a flag
// with tag characters, an Arabic or Indic joiner): only text made of
// nothing else is refused.
func visible(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return true
		}
	}
	return false
}

func invisible(r rune) bool {
	switch {
	case unicode.IsSpace(r), unicode.IsControl(r), unicode.Is(unicode.M, r), r == '\u2800', r == utf8.RuneError:
		return true
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false // Cf, but drawn: the Arabic number sign and its kin
	}
	// Unicode's derived Default_Ignorable_Code_Point, less White_Space.
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// visibleHTML reports whether rendered, sanitized HTML shows any text:
// the body "---" renders to nothing, "[](https://x.example)" to an empty
// link. The HTML comes from the renderer, whose tags never hold a '>' in
// an attribute, so skipping from '<' to '>' leaves the text.
func visibleHTML(h string) bool {
	var text strings.Builder
	for h != "" {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			text.WriteString(h)
			break
		}
		text.WriteString(h[:i])
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		h = h[i+j+1:]
	}
	return visible(html.UnescapeString(text.String()))
}
