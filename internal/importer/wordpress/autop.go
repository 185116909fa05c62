package wordpress

import (
	"regexp"
	"strings"
)

// blankLine separates paragraphs in a comment as WordPress stores it.
var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

// blockTags start a paragraph autop leaves alone.
var blockTags = []string{
	"blockquote", "div", "dl", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
	"hr", "li", "ol", "p", "pre", "table", "ul",
}

// autop gives a comment the paragraphs WordPress shows it with. WordPress
// stores a comment as typed, HTML with plain line breaks, and adds <p>
// and <br> only when it shows one (wpautop); read as HTML without them,
// every comment would run into one paragraph. This is the small part of
// wpautop that comments need: blank lines part paragraphs, a single line
// break is a <br>, and <pre> blocks and paragraphs that start with a block
// tag are left as they are.
func autop(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for s != "" {
		before, pre, rest := cutPre(s)
		paragraphs(&b, before)
		if pre != "" {
			b.WriteString(pre)
			b.WriteByte('\n')
		}
		s = rest
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cutPre splits s around its first <pre> element.
func cutPre(s string) (before, pre, rest string) {
	i := indexFold(s, "<pre")
	for i >= 0 && i+4 < len(s) && !strings.ContainsRune("> \t\n", rune(s[i+4])) {
		j := indexFold(s[i+4:], "<pre")
		if j < 0 {
			i = -1
			break
		}
		i += 4 + j
	}
	if i < 0 {
		return s, "", ""
	}
	j := indexFold(s[i:], "</pre>")
	if j < 0 {
		return s[:i], s[i:], ""
	}
	end := i + j + len("</pre>")
	return s[:i], s[i:end], s[end:]
}

func paragraphs(b *strings.Builder, s string) {
	for _, para := range blankLine.Split(s, -1) {
		para = strings.TrimSpace(para)
		switch {
		case para == "":
		case startsBlock(para):
			b.WriteString(para)
			b.WriteByte('\n')
		default:
			b.WriteString("<p>")
			b.WriteString(strings.ReplaceAll(para, "\n", "<br>\n"))
			b.WriteString("</p>\n")
		}
	}
}

func startsBlock(para string) bool {
	for _, tag := range blockTags {
		if len(para) > len(tag)+1 && para[0] == '<' && strings.EqualFold(para[1:1+len(tag)], tag) &&
			strings.ContainsRune("> \t\n/", rune(para[1+len(tag)])) {
			return true
		}
	}
	return false
}

// indexFold is strings.Index ignoring ASCII case (strings.ToLower could
// change the byte offsets of other letters).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
