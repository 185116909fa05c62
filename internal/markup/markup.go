// Package markup turns the Markdown of a comment body into HTML that is
// stored once, at write time, and then served as is inside any host page.
//
// Safety comes from two independent layers: goldmark renders only the
// constructs a comment may use (raw HTML is shown as text, headings become
// paragraphs, images become links, unsafe link targets become plain text),
// and a bluemonday allowlist policy then removes anything that still slipped
// through. Either layer alone is meant to be enough.
package markup

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"parley"
)

// linkRel is put on every link: comment links are user-generated, must not
// pass page rank, and must not give the target a handle on the host page.
const linkRel = "nofollow ugc noopener noreferrer"

// bareURL matches the rest of a bare URL after "https://" or "www." for
// autolinking. Unlike goldmark's default it accepts letters outside ASCII,
// so that a pasted https://de.wikipedia.org/wiki/Köln is linked whole.
// Trailing punctuation is trimmed by goldmark itself.
const bareURL = `[-\p{L}\p{N}\p{M}@:%._+~#=]{1,256}\.[\p{L}\p{N}]+(?::\d+)?` +
	`(?:[/#?][-\p{L}\p{N}\p{M}@:%_+.~#$!?&/=();,'*\[\]]*)?`

// MaxSourceLen is the longest source, in bytes, that Render parses as
// Markdown: four bytes for each of the 20,000 characters a site may allow at
// most, so no comment the service accepts is cut short. goldmark's inline
// parser is quadratic on some inputs (80 KB of "[a](" takes seconds); what
// bounds that on the write path is the service's limit in characters (10 KB
// of such input by default, about 85 ms). Longer sources are rendered as
// plain text.
const MaxSourceLen = 80_000

// Renderer converts comment Markdown into sanitized HTML.
// Build it once with New; it is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// normalize turns browser line endings (CRLF from a textarea) into LF
	// and NUL into U+FFFD before parsing, so that the same comment typed on
	// any platform renders to the same bytes.
	normalize *strings.Replacer
	maxHTML   func(n int) int // MaxHTML; tests lower it
}

// New builds the Markdown converter and the sanitizing policy. Both are
// costly to build and cheap to use, so a process should hold one Renderer.
func New() *Renderer {
	p := parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(append(parser.DefaultInlineParsers(), util.Prioritized(markLimiter{}, 50))...),
		parser.WithParagraphTransformers(paragraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(bounds{}, 100)),
	)
	md := goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.NewLinkify(
				extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}),
				extension.WithLinkifyURLRegexp(regexp.MustCompile(`^https?://`+bareURL)),
				extension.WithLinkifyWWWRegexp(regexp.MustCompile(`^www\.`+bareURL)),
			),
		),
		goldmark.WithRendererOptions(
			ghtml.WithHardWraps(),
			renderer.WithNodeRenderers(util.Prioritized(newNodeRenderer(), 100)),
		),
	)
	return &Renderer{
		md:        md,
		policy:    newPolicy(),
		normalize: strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\uFFFD"),
		maxHTML:   MaxHTML,
	}
}

// newPolicy is the allowlist that the HTML must pass after rendering. It
// repeats the URL rules of the node renderer on purpose: a bug in one layer
// must not become an XSS.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "del", "ul", "ol", "li", "blockquote", "code", "pre")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile("^" + linkRel + "$")).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// The rendered HTML of a comment is at most htmlFactor times its source
// plus htmlSlack bytes. Within the bounds of limit.go the densest shapes
// reach about 5 times ('"' is written as &#34;, "-\n" as <li></li>), so
// this leaves room for any comment a person writes and still keeps a page
// of 20 longest comments near 1.6 MB at worst instead of unbounded.
const (
	htmlFactor = 8
	htmlSlack  = 4096
)

// MaxHTML is the longest HTML that Render returns for n bytes of source.
func MaxHTML(n int) int { return htmlFactor*n + htmlSlack }

// Render returns the sanitized HTML for the Markdown src: deterministic,
// trimmed and valid UTF-8. Structure beyond the bounds of limit.go is
// flattened, not refused (a comment of more than maxElements elements is
// shown as plain text); Render fails (EINVALID, key "tooComplex") only
// when the HTML would still be longer than MaxHTML. A source that goldmark
// cannot take is shown as plain text.
func (r *Renderer) Render(src string) (string, error) {
	src = r.normalize.Replace(strings.ToValidUTF8(src, "\uFFFD"))
	if len(src) > MaxSourceLen {
		return plain(src), nil
	}
	source := []byte(src)
	pc := parser.NewContext()
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(pc))
	if pc.Get(tooManyKey) != nil {
		return plain(src), nil
	}
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, source, doc); err != nil {
		// goldmark fails only when its writer fails, and a bytes.Buffer
		// does not; this is a last resort, not an expected path.
		return plain(src), nil
	}
	limit := r.maxHTML(len(src))
	if buf.Len() <= 2*limit { // the sanitizer only removes; spare it the hopeless
		if out := strings.TrimSpace(r.policy.Sanitize(buf.String())); len(out) <= limit {
			return out, nil
		}
	}
	return "", parley.Errorf(parley.EINVALID, "The formatting of this comment makes it too large to show.").Keyed("tooComplex")
}

// plain renders src as escaped text in one paragraph, keeping its line
// breaks, in time linear in its length.
func plain(src string) string {
	src = strings.TrimSpace(src)
	if src == "" {
		return ""
	}
	return "<p>" + strings.ReplaceAll(html.EscapeString(src), "\n", "<br>\n") + "</p>"
}
