package markup

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Bounds on the structure of one comment. Markdown lets a few bytes of
// source open a block, an emphasis or a link, so without bounds 10,000
// characters became 10,000 nested blockquotes (270 kB of HTML), and some
// shapes cost goldmark time quadratic in their length (measured before
// these bounds, on a 10,000-character body: ">"×n 77 ms, "- "×n 145 ms,
// "[a]("×n 55 ms, "["×n then "]"×n 46 ms, one reference used 3,000 times
// 146 ms and 1.4 MB; a prose comment of the same length takes 0.4 ms).
// Structure beyond a bound is not refused but flattened: its text stays,
// shown as typed or without the markup. With the bounds, the worst of the
// 38 shapes in BenchmarkRenderShapes takes about 9 times the prose
// baseline (4 ms against 0.45 ms on a busy 2-core machine), and none
// renders to more than 5 times its length.
const (
	// maxBlockDepth is how many blockquotes and lists may nest. Deeper
	// markers stay in the text of the innermost block.
	maxBlockDepth = 8
	// maxInlineDepth is how deeply emphasis, strikethrough and links may
	// nest inside each other; deeper ones keep their text only.
	maxInlineDepth = 6
	// maxLinkMarks and maxEmphasisMarks bound how many link brackets
	// ("[", "]", "![") and emphasis delimiter runs ("*", "_", "~") the
	// parser considers in one comment; later ones are plain text. Each
	// closing bracket may make goldmark scan the rest of its line, which is
	// what made runs of "[a](" quadratic.
	maxLinkMarks     = 256
	maxEmphasisMarks = 512
	// maxLinks is how many links a comment makes; later ones keep their
	// text. Link targets may add at most the source's length plus
	// linkSlack bytes in all, which stops one long reference definition
	// from being repeated thousands of times.
	maxLinks  = 100
	linkSlack = 1024
	// maxElements is how many HTML elements a comment may render to. Each
	// costs about 2 µs to render and sanitize, so 5,000 one-line list
	// items or line breaks took 7-10 ms; a comment with more elements than
	// this is shown as plain text, its line breaks kept. Ordinary long
	// comments have a few hundred.
	maxElements = 1500
	// maxReferences is how many lines of one paragraph may start a link
	// reference definition ("[a]: https://…"); beyond, none of them is
	// taken as one and the paragraph stays text. goldmark removes each
	// definition by copying the lines after it, so 2,850 of them in 20,000
	// characters took 27 ms, four times what half as many took.
	maxReferences = 100
	// maxDestinationScan is how far past "](" a link target may end. For
	// each "](" goldmark scans to the end of the target, which for a run of
	// "[a](" is the end of the line; a target this long is no link anyone
	// typed.
	maxDestinationScan = 2048
)

// depthLimited refuses to open a blockquote or list beyond maxBlockDepth,
// so that the line stays in the enclosing block as text. Checking while
// parsing, not after, is what keeps parsing linear: goldmark revisits every
// open block on every line.
type depthLimited struct {
	parser.BlockParser
}

// Open implements parser.BlockParser.
func (d depthLimited) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if blockDepth(parent) >= maxBlockDepth {
		return nil, parser.NoChildren
	}
	return d.BlockParser.Open(parent, reader, pc)
}

// blockDepth counts the blockquotes and lists that n is in, n included.
func blockDepth(n ast.Node) int {
	depth := 0
	for ; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			depth++
		}
	}
	return depth
}

// blockParsers are goldmark's defaults with blockquotes and lists bounded.
func blockParsers() []util.PrioritizedValue {
	var out []util.PrioritizedValue
	for _, v := range parser.DefaultBlockParsers() {
		if bp, ok := v.Value.(parser.BlockParser); ok {
			switch v.Value {
			case parser.NewBlockquoteParser(), parser.NewListParser():
				v.Value = depthLimited{bp}
			}
		}
		out = append(out, v)
	}
	return out
}

// referenceLimited is goldmark's link reference transformer, skipped for
// a paragraph with more than maxReferences lines that may be definitions.
type referenceLimited struct {
	parser.ParagraphTransformer
}

// Transform implements parser.ParagraphTransformer.
func (r referenceLimited) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines, n := node.Lines(), 0
	for i := range lines.Len() {
		seg := lines.At(i)
		if v := bytes.TrimLeft(seg.Value(reader.Source()), " \t"); len(v) > 0 && v[0] == '[' {
			n++
		}
	}
	if n <= maxReferences {
		r.ParagraphTransformer.Transform(node, reader, pc)
	}
}

// paragraphTransformers are goldmark's defaults with references bounded.
func paragraphTransformers() []util.PrioritizedValue {
	out := parser.DefaultParagraphTransformers()
	for i, v := range out {
		if pt, ok := v.Value.(parser.ParagraphTransformer); ok && v.Value == parser.LinkReferenceParagraphTransformer {
			out[i].Value = referenceLimited{pt}
		}
	}
	return out
}

// markCounts is the per-comment state of markLimiter.
type markCounts struct{ links, emphasis int }

var markCountsKey = parser.NewContextKey()

// markLimiter runs before goldmark's link, emphasis and strikethrough
// parsers and counts the marks they would see. Within the bounds it
// returns nil and lets them parse; beyond, it takes the whole run of marks
// as text.
type markLimiter struct{}

// Trigger implements parser.InlineParser.
func (markLimiter) Trigger() []byte { return []byte{'[', ']', '!', '*', '_', '~'} }

// Parse implements parser.InlineParser.
func (markLimiter) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	counts, _ := pc.Get(markCountsKey).(*markCounts)
	if counts == nil {
		counts = &markCounts{}
		pc.Set(markCountsKey, counts)
	}
	line, seg := block.PeekLine()
	if line[0] == '!' && (len(line) < 2 || line[1] != '[') {
		return nil // an exclamation mark, not an image
	}
	link := line[0] == '[' || line[0] == ']' || line[0] == '!'
	if link {
		counts.links++
	} else {
		counts.emphasis++
	}
	if (link && counts.links <= maxLinkMarks) || (!link && counts.emphasis <= maxEmphasisMarks) {
		if line[0] == ']' && len(line) > 1 && line[1] == '(' && !destinationEnds(line[2:]) {
			block.Advance(1)
			return ast.NewTextSegment(seg.WithStop(seg.Start + 1))
		}
		return nil
	}
	n := 1
	for n < len(line) && isMark(line[n], link) {
		n++
	}
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}

// destinationEnds reports whether the link target at the start of s ends
// within maxDestinationScan bytes, the way goldmark's parser ends it: at
// ">" for "<…>", else at a space or an unbalanced ")".
func destinationEnds(s []byte) bool {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	angle := i < len(s) && s[i] == '<'
	opened := 0
	for end := min(len(s), i+maxDestinationScan); i < end; i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case angle && c == '>':
			return true
		case angle:
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return true
		case c == '(':
			opened++
		case c == ')':
			if opened--; opened < 0 {
				return true
			}
		}
	}
	return i >= len(s) && !angle
}

func isMark(c byte, link bool) bool {
	if link {
		return c == '[' || c == ']' || c == '!'
	}
	return c == '*' || c == '_' || c == '~'
}

// bounds is the AST transformer that flattens what parsing left too deep
// or too many: nested inline markup and links over the budget.
type bounds struct{}

// tooManyKey is set in the parser context when a comment has more than
// maxElements elements; Render then shows it as plain text.
var tooManyKey = parser.NewContextKey()

// Transform implements parser.ASTTransformer.
func (bounds) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	b := &budget{links: maxLinks, bytes: len(reader.Source()) + linkSlack, source: reader.Source()}
	b.walk(doc, 0)
	if b.elements > maxElements {
		pc.Set(tooManyKey, true)
	}
}

type budget struct {
	links, bytes int
	elements     int
	source       []byte
}

// walk visits the children of parent; inline is the inline nesting depth
// at parent.
func (b *budget) walk(parent ast.Node, inline int) {
	for c := parent.FirstChild(); c != nil; {
		nested := isNesting(c)
		if (nested && inline >= maxInlineDepth) || (isLink(c) && !b.spend(c)) {
			c = b.flatten(c)
			continue
		}
		b.elements += elements(c)
		depth := inline
		if nested {
			depth++
		}
		b.walk(c, depth)
		c = c.NextSibling()
	}
}

// spend takes one link and its target from the budget; false when the
// budget does not cover it.
func (b *budget) spend(n ast.Node) bool {
	size := 0
	switch n := n.(type) {
	case *ast.Link:
		size = len(n.Destination)
	case *ast.Image:
		size = len(n.Destination)
	case *ast.AutoLink:
		size = len(n.URL(b.source))
	}
	if b.links == 0 || size > b.bytes {
		return false
	}
	b.links--
	b.bytes -= size
	return true
}

// flatten replaces n by its children (an autolink by its label) and
// returns the node to visit next: the first of them, or what followed n.
func (b *budget) flatten(n ast.Node) ast.Node {
	parent, next := n.Parent(), n.NextSibling()
	if a, ok := n.(*ast.AutoLink); ok {
		s := ast.NewString(a.Label(b.source))
		s.SetRaw(true)
		parent.ReplaceChild(parent, n, s)
		return next
	}
	first := n.FirstChild()
	for c := first; c != nil; {
		cn := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = cn
	}
	parent.RemoveChild(parent, n)
	if first != nil {
		return first
	}
	return next
}

// elements is how many HTML elements n renders to by itself: one for a
// text with a line break (<br>), none for other text, one for the rest.
func elements(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		if t.SoftLineBreak() || t.HardLineBreak() {
			return 1
		}
		return 0
	}
	if n.Kind() == ast.KindString {
		return 0
	}
	return 1
}

// isNesting reports inline nodes whose markup nests around their text.
func isNesting(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindEmphasis, east.KindStrikethrough, ast.KindLink, ast.KindImage:
		return true
	}
	return false
}

func isLink(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindLink, ast.KindImage, ast.KindAutoLink:
		return true
	}
	return false
}
