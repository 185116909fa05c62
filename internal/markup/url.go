package markup

import (
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// linkHref returns the href for a link to dest, which must already be freed
// of Markdown escapes and character references, or false if the link must
// not be made. Both the target and its percent-encoded form are checked:
// the sanitizer re-parses the encoded form, and if it disagreed it would
// drop the href and leave an <a> without one.
func linkHref(dest []byte) (string, bool) {
	if !safeURL(string(dest)) {
		return "", false
	}
	href := string(util.URLEscape(dest, false))
	return href, allowedTarget(href)
}

// safeURL reports whether a link target, already freed of Markdown escapes
// and character references, may become an href. It rejects rather than
// repairs: a target that needs cleaning was not typed by someone who wanted
// a working link, and repairing is where filters usually go wrong.
func safeURL(dest string) bool {
	if !utf8.ValidString(dest) || strings.IndexFunc(dest, hidden) >= 0 {
		return false
	}
	// The href is written with '&' escaped, so the browser sees dest as is.
	// Checking the decoded form too keeps this function right even if a
	// caller forgets to resolve or to escape.
	return allowedTarget(dest) && allowedTarget(html.UnescapeString(dest))
}

// allowedTarget reports whether dest is an absolute http(s) URL with a host
// or a mailto URL with an address. Relative and protocol-relative targets
// are refused because a comment is shown on pages whose base URL we do not
// control.
func allowedTarget(dest string) bool {
	u, err := url.Parse(dest)
	if err != nil {
		return false
	}
	switch u.Scheme { // url.Parse lowercases the scheme
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// hidden reports runes that a person does not type into a URL on purpose
// but that browsers may drop or parsers may disagree on, such as the
// newline in "java\nscript:" or the zero-width space in "java\u200bscript:".
func hidden(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}
