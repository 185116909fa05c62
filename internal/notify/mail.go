package notify

import (
	"html"
	"strings"
	"unicode/utf8"

	"parley"
	"parley/internal/i18n"
)

// maxExcerpt is how much of each reply a mail quotes, in characters.
const maxExcerpt = 300

// compose writes the subject and text of a batch's mail in lang. The mail
// is plain text only: it quotes what strangers wrote, and plain text
// cannot carry a link or an image that a comment's HTML would.
func compose(lang, name string, story *parley.Story, replies []*parley.Comment, unsubscribe string) *parley.Message {
	p := i18n.For(lang)
	title := story.Title
	if title == "" {
		title = story.ID
	}
	var b strings.Builder
	if name != "" {
		b.WriteString(p.T("mail.replies.greeting", name) + "\n\n")
	}
	b.WriteString(p.N("mail.replies.intro", len(replies)) + "\n\n")
	for _, c := range replies {
		author := c.AuthorName
		if c.AuthorErased() {
			author = p.T("comment.deletedUser")
		}
		b.WriteString(p.T("mail.replies.wrote", author) + "\n")
		for _, line := range strings.Split(Excerpt(c.HTML, maxExcerpt), "\n") {
			b.WriteString("> " + line + "\n")
		}
		b.WriteString("\n")
	}
	if story.URL != "" {
		b.WriteString(p.T("mail.replies.read", story.URL) + "\n\n")
	}
	b.WriteString("-- \n" + p.T("mail.replies.why") + "\n" + p.T("mail.replies.unsubscribe", unsubscribe) + "\n")
	return &parley.Message{Subject: p.T("mail.replies.subject", oneLine(title)), Text: b.String()}
}

// Excerpt returns the text of a comment's sanitized HTML: tags dropped,
// entities decoded, paragraphs as lines, whitespace within a line
// collapsed, cut at max characters on a word with an ellipsis.
func Excerpt(h string, max int) string {
	var text strings.Builder
	for len(h) > 0 {
		lt := strings.IndexByte(h, '<')
		if lt < 0 {
			text.WriteString(h)
			break
		}
		text.WriteString(h[:lt])
		gt := strings.IndexByte(h[lt:], '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(h[lt+1 : lt+gt])
		if strings.HasPrefix(tag, "/p") || strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/li") || strings.HasPrefix(tag, "/blockquote") {
			text.WriteString("\n")
		}
		h = h[lt+gt+1:]
	}
	var lines []string
	for _, line := range strings.Split(html.UnescapeString(text.String()), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			lines = append(lines, line)
		}
	}
	out := strings.Join(lines, "\n")
	if utf8.RuneCountInString(out) <= max {
		return out
	}
	cut := []rune(out)[:max]
	if i := strings.LastIndexAny(string(cut), " \n"); i > max/2 {
		return string(cut)[:i] + " …"
	}
	return string(cut) + "…"
}

// oneLine keeps a title that goes into a header on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
