package textfix

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkTarget returns href as a link's target, or false when Parley would
// not link to it: only absolute http and https URLs with a host and mailto
// URLs with an address, the targets internal/markup accepts. The white
// space around it is dropped and spaces in it are encoded, as browsers do.
func linkTarget(href string) (string, bool) {
	href = strings.ReplaceAll(strings.Trim(href, " \t\n\f\r"), " ", "%20")
	if href == "" || strings.IndexFunc(href, hidden) >= 0 {
		return "", false
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	switch u.Scheme { // url.Parse lowercases the scheme
	case "http", "https":
		return href, u.Host != ""
	case "mailto":
		return href, u.Opaque != ""
	}
	return "", false
}

// hidden reports runes that browsers drop from or disagree on in a URL,
// such as the newline in "java\nscript:"; internal/markup refuses them too.
func hidden(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// appendDest appends a link target to a Markdown link's "(…)", its
// punctuation that Markdown would read escaped with backslashes, which
// goldmark removes again.
func appendDest(out []byte, dest string) []byte {
	for i := 0; i < len(dest); i++ {
		switch ch := dest[i]; ch {
		case '\\', '(', ')', '<', '>', '&', '`':
			out = append(out, '\\', ch)
		default:
			out = append(out, ch)
		}
	}
	return out
}
