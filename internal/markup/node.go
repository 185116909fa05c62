package markup

import (
	"bytes"
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer replaces goldmark's HTML output for the node kinds that a
// comment may not produce as they are. Every other kind keeps goldmark's
// default rendering.
type nodeRenderer struct {
	writer ghtml.Writer
}

func newNodeRenderer() *nodeRenderer {
	return &nodeRenderer{writer: ghtml.NewWriter()}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (nr *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderParagraph)
	reg.Register(ast.KindThematicBreak, renderNothing)
	reg.Register(ast.KindLink, nr.renderLink)
	reg.Register(ast.KindAutoLink, nr.renderAutoLink)
	reg.Register(ast.KindImage, nr.renderImage)
	reg.Register(ast.KindRawHTML, nr.renderRawHTML)
	reg.Register(ast.KindHTMLBlock, nr.renderHTMLBlock)
}

// renderParagraph renders a heading as a paragraph: a comment must not add
// headings to the outline of the article it sits under.
func renderParagraph(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<p>")
	} else {
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkContinue, nil
}

// renderNothing drops a thematic break: <hr> is not in the allowlist, and a
// line of dashes carries no content worth keeping.
func renderNothing(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

// renderLink writes a link only when its target is safe; otherwise the link
// text stays as plain text. The title is dropped: only href and rel may
// appear on <a>.
func (nr *nodeRenderer) renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	href, ok := linkHref(resolve(n.Destination))
	if !ok || insideLink(n) {
		return ast.WalkContinue, nil
	}
	if entering {
		openLink(w, href)
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

// renderImage writes an image as a link to it, labelled with its alt text
// (or the URL when there is none). Embedding would make every reader's
// browser fetch a third-party URL (tracking, IP leaks, shock images) without
// any choice; a link keeps what the writer meant to share.
func (nr *nodeRenderer) renderImage(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	dest := resolve(n.Destination)
	href, ok := linkHref(dest)
	if !ok || insideLink(n) {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	openLink(w, href)
	if n.FirstChild() == nil {
		nr.writer.RawWrite(w, dest)
	}
	return ast.WalkContinue, nil
}

// renderAutoLink writes <https://…>, linkified bare URLs and e-mail
// addresses; a target that is not safe stays as its label text.
func (nr *nodeRenderer) renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	dest := n.URL(source)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(dest), []byte("mailto:")) {
		dest = append([]byte("mailto:"), dest...)
	}
	label := n.Label(source)
	href, ok := linkHref(dest)
	if !ok || insideLink(n) {
		nr.writer.RawWrite(w, label)
		return ast.WalkSkipChildren, nil
	}
	openLink(w, href)
	nr.writer.RawWrite(w, label)
	_, _ = w.WriteString("</a>")
	return ast.WalkSkipChildren, nil
}

// renderRawHTML shows inline HTML as the text the writer typed, so that
// "use <b> for bold" keeps its meaning instead of losing a word.
func (nr *nodeRenderer) renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	segments := node.(*ast.RawHTML).Segments
	for i := range segments.Len() {
		seg := segments.At(i)
		nr.writer.RawWrite(w, seg.Value(source))
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock shows a block of HTML as an escaped paragraph, one <br>
// per source line, for the same reason as renderRawHTML.
func (nr *nodeRenderer) renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.HTMLBlock)
	var lines [][]byte
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		lines = append(lines, seg.Value(source))
	}
	if n.HasClosure() {
		lines = append(lines, n.ClosureLine.Value(source))
	}
	_, _ = w.WriteString("<p>")
	for i, line := range lines {
		if i > 0 {
			_, _ = w.WriteString("<br>\n")
		}
		nr.writer.RawWrite(w, bytes.TrimRight(line, "\n"))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}

// openLink writes the start tag of a link to an href from linkHref.
func openLink(w util.BufWriter, href string) {
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.WriteString(html.EscapeString(href))
	_, _ = w.WriteString(`" rel="` + linkRel + `">`)
}

// resolve applies what CommonMark does to a link destination (backslash
// escapes, numeric and named character references) so that the URL check
// sees what the browser would see: "javascript&#58;" is "javascript:".
func resolve(dest []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest)))
}

// insideLink reports whether n sits inside another link's text; nested
// anchors are invalid HTML and browsers split them in surprising ways.
func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindImage, ast.KindAutoLink:
			return true
		}
	}
	return false
}
