package textfix

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Markdown converts an HTML comment body, as Disqus, WordPress (with the
// line breaks that its autop turns into paragraphs on display), Coral and
// Remark42 store them, to Markdown that internal/markup renders back to
// the same meaning.
//
// Kept: paragraphs and line breaks, links to http, https and mailto
// targets (other links keep their text only), emphasis (em, i), strong
// emphasis (strong, b), strikethrough (del, s, strike), inline code,
// preformatted blocks, blockquotes and lists (nested as deep as
// internal/markup shows them; deeper ones are flattened into the deepest
// level), headings as bold lines, and images as their alt text or, without
// one, a link to them. Scripts, styles, frames, forms' text areas, SVG and
// MathML are dropped with their content; every other element is reduced to
// its text. Character references are decoded once, as a browser does (call
// CleanHTML first to repair those escaped twice). Text is escaped so that
// a literal "*", "#" or "1." stays literal; bare URLs are left as they are
// so that they are still linked.
//
// The conversion reads the HTML once as a stream of tokens and keeps only
// counters and the stack of open elements, so it takes linear time and no
// recursion, however large or deeply nested the body.
func Markdown(body string) string {
	body = strings.ToValidUTF8(body, "\uFFFD")
	body = strings.ReplaceAll(body, "\x00", "\uFFFD")
	c := &converter{
		autop: !hasBlockTags(body),
		out:   make([]byte, 0, len(body)+len(body)/8),
		count: make(map[atom.Atom]int),
	}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return c.finish()
		case html.TextToken:
			c.text(z.Text())
		case html.StartTagToken:
			c.start(z, false)
		case html.SelfClosingTagToken:
			c.start(z, true)
		case html.EndTagToken:
			name, _ := z.TagName()
			c.end(atom.Lookup(name))
		}
	}
}

// maxNest is how deeply blockquotes and lists nest in the output:
// internal/markup shows no more (its maxBlockDepth).
const maxNest = 8

// maxNumber is the largest number CommonMark takes as a list item's.
const maxNumber = 999_999_999

// hasBlockTags reports whether body has <p>, <br> or <div> tags: without
// them, its line breaks are the structure (WordPress's autop adds the tags
// on display), with them they are only white space.
func hasBlockTags(body string) bool {
	for i := strings.IndexByte(body, '<'); i >= 0; {
		s := body[i+1:]
		name := s[:min(len(s), 3)]
		switch {
		case len(name) >= 1 && (name[0] == 'p' || name[0] == 'P') && !startsName(s[1:]):
			return true
		case len(name) >= 2 && strings.EqualFold(name[:2], "br") && !startsName(s[2:]):
			return true
		case len(name) >= 3 && strings.EqualFold(name, "div") && !startsName(s[3:]):
			return true
		}
		j := strings.IndexByte(s, '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func startsName(s string) bool { return s != "" && isAlnum(s[0]) }

// mark is an inline construct that opens and closes around text.
type mark int

const (
	markLink mark = iota
	markStrong
	markEm
	markDel
	numMarks
)

// opening and closing are the Markdown of each mark; a link's closing
// also has its target.
var (
	opening = [numMarks]string{"[", "**", "*", "~~"}
	closing = [numMarks]string{"", "**", "*", "~~"}
)

// effect is what an open element changed, to be undone at its end.
type effect int

const (
	noEffect effect = iota
	inMark          // counted in depth[mark]
	inCode
	inPre
	inBox     // pushed a box (blockquote, list or list item)
	inFlat    // a list or item below maxNest: a block boundary only
	inHeading // a block of strong emphasis
)

// elem is an open element.
type elem struct {
	tag    atom.Atom
	effect effect
	mark   mark
}

// boxKind is a block that contains other blocks and prefixes their lines.
type boxKind int

const (
	boxQuote boxKind = iota
	boxList
	boxItem
)

type box struct {
	kind    boxKind
	ordered bool   // list
	delim   byte   // list: '-' or '+', '.' or ')'
	next    int    // list: the next item's number
	items   int    // list: items so far
	marker  string // item: "- " or "12. "
	started bool   // item: its marker has been written
}

// openMark is a mark written in the current paragraph.
type openMark struct {
	mark mark
	link int    // a link's linkID
	dest string // a link's target
}

// whitespace is white space and line breaks seen since the last character
// written, resolved when the next one comes.
type whitespace struct {
	space     bool
	newlines  int // autop only
	lineBreak int // <br>
}

type converter struct {
	out   []byte
	autop bool

	open  []elem
	count map[atom.Atom]int // open elements by tag: end tags of none are ignored
	boxes []box
	nest  int   // quote and list boxes
	lists []int // open lists, the index of their box or -1 for a flat one
	// alternate is which marker the last list of each level had.
	alternate [maxNest]bool
	listish   []int // open li, ul and ol elements: indexes into open
	skip      atom.Atom
	skipping  int // depth of skip elements

	depth [numMarks]int
	// marksChanged is set when depth changes, so that visible knows to
	// look at the marks again.
	marksChanged bool
	opened       []openMark
	linkID       int
	linkDest     string
	linkOpened   bool

	code    int
	codeBuf []byte
	pre     int
	preBuf  []byte

	ws       whitespace
	inPara   bool
	tight    bool // the next block follows the previous line without a blank one
	lineHead int  // digits at the start of the current line, -1 once other text came
}

// dropped are the elements whose content is not text for a reader.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true,
	atom.Noembed: true, atom.Noframes: true, atom.Textarea: true, atom.Title: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Select: true,
}

// rawDropped are the dropped elements whose content the tokenizer reads as
// raw text, even after a self-closing start tag.
var rawDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true,
	atom.Noembed: true, atom.Noframes: true, atom.Textarea: true, atom.Title: true,
}

// blocks are the elements that only separate paragraphs.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Nav: true,
	atom.Main: true, atom.Figure: true, atom.Figcaption: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Center: true, atom.Form: true,
	atom.Fieldset: true, atom.Legend: true, atom.Table: true, atom.Caption: true,
	atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Hr: true, atom.Hgroup: true,
	atom.Menu: true, atom.Dialog: true, atom.Body: true, atom.Html: true,
}

var marks = map[atom.Atom]mark{
	atom.Em: markEm, atom.I: markEm, atom.Strong: markStrong, atom.B: markStrong,
	atom.Del: markDel, atom.S: markDel, atom.Strike: markDel,
}

func (c *converter) start(z *html.Tokenizer, selfClosing bool) {
	name, hasAttr := z.TagName()
	a := atom.Lookup(name)
	if c.skip != 0 {
		if a == c.skip && !selfClosing {
			c.skipping++
		}
		return
	}
	if dropped[a] && (rawDropped[a] || !selfClosing) {
		c.skip, c.skipping = a, 1
		return
	}
	if c.pre > 0 {
		switch a {
		case atom.Br:
			c.preBuf = append(c.preBuf, '\n')
		case atom.Pre:
			c.push(a, inPre, 0)
			c.pre++
		}
		return
	}
	var attrs map[string]string
	if hasAttr && (a == atom.A || a == atom.Img || a == atom.Ol) {
		attrs = tagAttrs(z)
	}
	switch {
	case blocks[a]:
		c.block()
	case a == atom.Td || a == atom.Th:
		c.ws.space = true
	case a == atom.Br && c.code > 0:
		c.codeText([]byte{' '})
	case a == atom.Br:
		c.ws.lineBreak++
	case a == atom.A:
		c.startLink(attrs["href"])
	case a == atom.Img:
		c.image(attrs["alt"], attrs["src"])
	case a == atom.Code || a == atom.Kbd || a == atom.Samp || a == atom.Tt:
		if !selfClosing {
			c.push(a, inCode, 0)
			c.code++
		}
	case a == atom.Pre || a == atom.Xmp || a == atom.Listing:
		if !selfClosing {
			c.block()
			c.push(a, inPre, 0)
			c.pre++
		}
	case a == atom.Blockquote:
		c.block()
		c.startBox(a, box{kind: boxQuote})
	case a == atom.Ul || a == atom.Ol:
		c.startList(a, attrs["start"])
	case a == atom.Li:
		c.startItem()
	case isHeading(a):
		c.block()
		c.push(a, inHeading, 0)
		c.depth[markStrong]++
	default:
		if m, ok := marks[a]; ok && !selfClosing {
			c.push(a, inMark, m)
			c.depth[m]++
		}
	}
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// tagAttrs reads the attributes of the current tag that the conversion
// uses, the first of each name.
func tagAttrs(z *html.Tokenizer) map[string]string {
	attrs := make(map[string]string)
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch key := string(k); key {
		case "href", "src", "alt", "start":
			if _, seen := attrs[key]; !seen {
				attrs[key] = string(v)
			}
		}
	}
	return attrs
}

func (c *converter) push(a atom.Atom, e effect, m mark) {
	if a == atom.Li || a == atom.Ul || a == atom.Ol {
		c.listish = append(c.listish, len(c.open))
	}
	c.open = append(c.open, elem{tag: a, effect: e, mark: m})
	c.count[a]++
	c.marksChanged = true
}

func (c *converter) end(a atom.Atom) {
	if c.skip != 0 {
		if a == c.skip {
			if c.skipping--; c.skipping == 0 {
				c.skip = 0
			}
		}
		return
	}
	switch {
	case a == atom.Br && c.pre > 0:
		c.preBuf = append(c.preBuf, '\n')
		return
	case a == atom.Br:
		c.ws.lineBreak++
		return
	case blocks[a] && c.pre == 0:
		c.block()
		return
	}
	if c.count[a] == 0 {
		return
	}
	for {
		e := c.open[len(c.open)-1]
		c.open = c.open[:len(c.open)-1]
		c.count[e.tag]--
		if n := len(c.listish); n > 0 && c.listish[n-1] == len(c.open) {
			c.listish = c.listish[:n-1]
		}
		c.undo(e)
		if e.tag == a {
			return
		}
	}
}

// undo ends what the start of e began.
func (c *converter) undo(e elem) {
	c.marksChanged = true
	switch e.effect {
	case inMark:
		c.depth[e.mark]--
		if e.mark == markLink && c.depth[markLink] == 0 && !c.linkOpened {
			c.linkText(c.linkDest)
		}
	case inCode:
		if c.code--; c.code == 0 {
			c.flushCode()
		}
	case inPre:
		if c.pre--; c.pre == 0 {
			c.flushPre()
		}
	case inHeading:
		c.block()
		c.depth[markStrong]--
	case inBox, inFlat:
		c.block()
		if e.tag == atom.Ul || e.tag == atom.Ol {
			c.lists = c.lists[:len(c.lists)-1]
		}
		if e.effect == inBox {
			if k := c.boxes[len(c.boxes)-1].kind; k == boxQuote || k == boxList {
				c.nest--
			}
			c.boxes = c.boxes[:len(c.boxes)-1]
		}
	}
}

// startBox opens a blockquote or a list, flat below maxNest.
func (c *converter) startBox(a atom.Atom, b box) bool {
	if c.nest >= maxNest {
		c.push(a, inFlat, 0)
		return false
	}
	c.nest++
	c.boxes = append(c.boxes, b)
	c.push(a, inBox, 0)
	return true
}

func (c *converter) startList(a atom.Atom, start string) {
	c.block()
	b := box{kind: boxList, ordered: a == atom.Ol, next: 1}
	if b.ordered {
		b.next = listStart(start)
	}
	// Lists of one level alternate their markers, so that two lists in a
	// row stay two.
	alt := 0
	if c.nest < maxNest {
		if c.alternate[c.nest] {
			alt = 1
		}
		c.alternate[c.nest] = !c.alternate[c.nest]
	}
	b.delim = "-+"[alt]
	if b.ordered {
		b.delim = ".)"[alt]
	}
	if c.startBox(a, b) {
		c.lists = append(c.lists, len(c.boxes)-1)
	} else {
		c.lists = append(c.lists, -1)
	}
}

// listStart is the number of an <ol start> attribute, 1 when there is none.
func listStart(s string) int {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (c *converter) startItem() {
	// An <li> ends the item before it in the same list.
	if n := len(c.listish); n > 0 && c.open[c.listish[n-1]].tag == atom.Li {
		c.end(atom.Li)
	}
	c.block()
	if len(c.lists) == 0 || c.lists[len(c.lists)-1] < 0 {
		c.push(atom.Li, inFlat, 0)
		return
	}
	list := &c.boxes[c.lists[len(c.lists)-1]]
	marker := string(list.delim) + " "
	if list.ordered {
		marker = strconv.Itoa(list.next) + string(list.delim) + " "
		list.next = min(list.next+1, maxNumber)
	}
	// Items follow each other without a blank line, and so does a list
	// that starts right after its parent item's text where CommonMark lets
	// it (not an ordered one starting at another number than 1).
	c.tight = list.items > 0
	if n := len(c.boxes); list.items == 0 && n >= 2 && c.boxes[n-2].kind == boxItem && c.boxes[n-2].started {
		c.tight = !list.ordered || list.next == 2
	}
	list.items++
	c.boxes = append(c.boxes, box{kind: boxItem, marker: marker})
	c.push(atom.Li, inBox, 0)
}

func (c *converter) startLink(href string) {
	dest, ok := linkTarget(href)
	switch {
	case !ok:
		c.push(atom.A, noEffect, 0)
	case c.depth[markLink] > 0: // a link in a link: its text is the outer one's
		c.push(atom.A, inMark, markLink)
		c.depth[markLink]++
	default:
		c.linkID++
		c.linkDest, c.linkOpened = dest, false
		c.push(atom.A, inMark, markLink)
		c.depth[markLink]++
	}
}

// image writes an <img> as its alt text, or as a link to it labelled with
// its address.
func (c *converter) image(alt, src string) {
	if alt = strings.TrimSpace(alt); alt != "" {
		c.text([]byte(alt))
		return
	}
	dest, ok := linkTarget(src)
	if !ok {
		return
	}
	if c.depth[markLink] > 0 {
		c.text([]byte(dest))
		return
	}
	c.linkID++
	c.linkDest = dest
	c.linkText(dest)
}

// linkText writes the link to dest with its own address as its text: an
// image without alt text, or a link that had none.
func (c *converter) linkText(dest string) {
	c.depth[markLink]++
	c.linkOpened, c.marksChanged = false, true
	c.text([]byte(dest))
	c.depth[markLink]--
	c.marksChanged = true
}

// text writes the text of the HTML: white space collapsed (in autop
// bodies, line breaks kept), escaped for Markdown.
func (c *converter) text(b []byte) {
	switch {
	case c.skip != 0:
		return
	case c.pre > 0:
		c.preBuf = append(c.preBuf, b...)
		return
	case c.code > 0:
		c.codeText(b)
		return
	}
	for i := 0; i < len(b); {
		switch ch := b[i]; ch {
		case ' ', '\t', '\f', '\r':
			c.ws.space = true
			i++
			continue
		case '\n':
			if c.autop {
				c.ws.newlines++
			} else {
				c.ws.space = true
			}
			i++
			continue
		}
		c.visible()
		if n := c.bareURL(b[i:]); n > 0 {
			c.writeURL(b[i : i+n])
			i += n
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		var next byte
		if i+n < len(b) {
			next = b[i+n]
		}
		c.emit(r, next)
		i += n
	}
}

// bareURL returns the length of the http(s) or www. URL that starts b and
// that goldmark's linkify will link, 0 when there is none. Such a URL is
// written unescaped, as a backslash would end the link there.
func (c *converter) bareURL(b []byte) int {
	if c.depth[markLink] > 0 || !c.wordStart() {
		return 0
	}
	if !hasPrefixFold(b, "https://") && !hasPrefixFold(b, "http://") && !hasPrefixFold(b, "www.") {
		return 0
	}
	n := 0
	for n < len(b) {
		switch b[n] {
		case ' ', '\t', '\n', '\r', '\f', '<', '>', '`', '\\', '"', '*', '[', ']':
			return n
		}
		n++
	}
	return n
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// wordStart reports whether the last thing written ends a word, so that a
// URL may start here.
func (c *converter) wordStart() bool {
	if len(c.out) == 0 {
		return true
	}
	switch c.out[len(c.out)-1] {
	case ' ', '\n', '(', '*', '_', '~', '[':
		return true
	}
	return false
}

func (c *converter) writeURL(u []byte) {
	c.out = append(c.out, u...)
	c.lineHead = -1
}

// codeText collects the text of inline code, white space collapsed.
func (c *converter) codeText(b []byte) {
	for _, ch := range b {
		if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' {
			if len(c.codeBuf) == 0 || c.codeBuf[len(c.codeBuf)-1] != ' ' {
				c.codeBuf = append(c.codeBuf, ' ')
			}
			continue
		}
		c.codeBuf = append(c.codeBuf, ch)
	}
}

// visible resolves the white space before a character that is about to be
// written: marks that ended are closed before it, a paragraph or line
// break or a space is written, and marks that are open are opened after it.
func (c *converter) visible() {
	if c.inPara && c.ws == (whitespace{}) && !c.marksChanged {
		return
	}
	c.marksChanged = false
	ws := c.ws
	c.ws = whitespace{}
	if ws.newlines >= 2 || ws.lineBreak >= 2 {
		c.block()
	}
	c.closeEnded()
	switch {
	case !c.inPara:
		c.startLine(true)
		c.inPara = true
	case ws.newlines == 1 || ws.lineBreak == 1:
		c.startLine(false)
	case ws.space:
		c.out = append(c.out, ' ')
	}
	c.openMarks()
}

// closeEnded closes the written marks whose elements have ended, and those
// opened after them, which openMarks opens again.
func (c *converter) closeEnded() {
	for i, o := range c.opened {
		if c.depth[o.mark] == 0 || (o.mark == markLink && o.link != c.linkID) {
			c.closeFrom(i)
			return
		}
	}
}

func (c *converter) closeFrom(i int) {
	for j := len(c.opened) - 1; j >= i; j-- {
		o := c.opened[j]
		c.out = append(c.out, closing[o.mark]...)
		if o.mark == markLink {
			c.out = append(c.out, "]("...)
			c.out = appendDest(c.out, o.dest)
			c.out = append(c.out, ')')
		}
	}
	c.opened = c.opened[:i]
}

func (c *converter) openMarks() {
	for m := range numMarks {
		if c.depth[m] == 0 || c.isOpen(m) {
			continue
		}
		if m == markLink {
			c.escapeBang()
			c.linkOpened = true
		}
		c.out = append(c.out, opening[m]...)
		c.opened = append(c.opened, openMark{mark: m, link: c.linkID, dest: c.linkDest})
	}
}

func (c *converter) isOpen(m mark) bool {
	for _, o := range c.opened {
		if o.mark == m {
			return true
		}
	}
	return false
}

// escapeBang escapes a '!' just written before a link's '[', which would
// make the link an image.
func (c *converter) escapeBang() {
	n := len(c.out)
	if n == 0 || c.out[n-1] != '!' {
		return
	}
	slashes := 0
	for i := n - 2; i >= 0 && c.out[i] == '\\'; i-- {
		slashes++
	}
	if slashes%2 == 0 {
		c.out = append(c.out[:n-1], '\\', '!')
	}
}

// emit writes one character of text, escaped where Markdown would read it
// as markup. next is the byte after it, 0 at the end of a text token.
func (c *converter) emit(r rune, next byte) {
	if r < utf8.RuneSelf && c.escapes(byte(r), next) {
		c.out = append(c.out, '\\')
	}
	c.out = utf8.AppendRune(c.out, r)
	if c.lineHead >= 0 && '0' <= r && r <= '9' {
		c.lineHead++
	} else {
		c.lineHead = -1
	}
}

func (c *converter) escapes(ch, next byte) bool {
	switch ch {
	case '\\', '`', '*', '_', '[', ']', '<', '~':
		return true
	case '&': // a character reference
		return next == 0 || next == '#' || isAlnum(next)
	case '#', '-', '+', '=', '>': // a heading, list, setext line, quote
		return c.lineHead == 0
	case '.', ')': // an ordered list
		return c.lineHead > 0
	}
	return false
}

// startLine starts a line: the first of a block after a blank line (or
// none, for a list item after its sibling), or the next line of a
// paragraph after a line break.
func (c *converter) startLine(first bool) {
	if len(c.out) > 0 {
		c.out = append(c.out, '\n')
		if first && !c.tight {
			c.out = c.prefix(c.out, true)
			c.out = bytes.TrimRight(c.out, " ")
			c.out = append(c.out, '\n')
		}
	}
	if first {
		c.tight = false
	}
	c.out = c.prefix(c.out, false)
	c.lineHead = 0
}

// prefix appends the line prefix of the open boxes: "> " for a quote, a
// list item's marker on its first line and as many spaces after it.
func (c *converter) prefix(out []byte, blank bool) []byte {
	for i := range c.boxes {
		b := &c.boxes[i]
		switch b.kind {
		case boxQuote:
			out = append(out, "> "...)
		case boxItem:
			if b.started || blank {
				out = append(out, strings.Repeat(" ", len(b.marker))...)
			} else {
				out = append(out, b.marker...)
				b.started = true
			}
		}
	}
	return out
}

// block ends the current paragraph, if any.
func (c *converter) block() {
	c.flushCode()
	c.closeFrom(0)
	if c.inPara {
		c.inPara = false
		c.tight = false
	}
	c.ws = whitespace{}
}

// flushCode writes the inline code collected so far as a code span.
func (c *converter) flushCode() {
	if len(c.codeBuf) == 0 {
		return
	}
	s := string(c.codeBuf)
	c.codeBuf = c.codeBuf[:0]
	lead, trail := s[0] == ' ', s[len(s)-1] == ' '
	s = strings.Trim(s, " ")
	if s == "" {
		c.ws.space = true
		return
	}
	c.ws.space = c.ws.space || lead
	c.visible()
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if s[0] == '`' || s[len(s)-1] == '`' {
		pad = " "
	}
	c.out = append(c.out, fence+pad+s+pad+fence...)
	c.lineHead = -1
	c.ws.space = trail
}

// flushPre writes the preformatted text collected so far as a fenced code
// block.
func (c *converter) flushPre() {
	s := strings.ReplaceAll(string(c.preBuf), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	c.preBuf = c.preBuf[:0]
	s = strings.TrimPrefix(s, "\n") // HTML drops the newline after <pre>
	s = strings.TrimRight(s, " \t\n")
	if strings.TrimSpace(s) == "" {
		return
	}
	c.block()
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	c.startLine(true)
	c.out = append(c.out, fence...)
	for line := range strings.SplitSeq(s, "\n") {
		c.startLine(false)
		c.out = append(c.out, line...)
	}
	c.startLine(false)
	c.out = append(c.out, fence...)
	c.tight = false
}

func longestRun(s string, ch byte) int {
	most, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ch {
			n++
			most = max(most, n)
		} else {
			n = 0
		}
	}
	return most
}

func (c *converter) finish() string {
	if c.pre > 0 {
		c.flushPre()
	}
	c.block()
	return string(c.out)
}
