// Package wordpress reads WordPress's export, WXR ("WordPress eXtended
// RSS", Tools → Export → All content, or `wp export`): an RSS 2.0 feed
// whose items are the site's posts, pages and other content, each with
// its comments nested inside as <wp:comment> elements. Versions 1.0, 1.1
// and 1.2 of the format (namespace http://wordpress.org/export/1.x/) are
// read; the elements are those wp-admin/includes/export.php writes
// (developer.wordpress.org/reference/files/wp-admin/includes/export.php).
//
// Posts and pages become threads, with all their comments; attachments
// and the types plugins add become threads only when they carry comments;
// WordPress's own internal types (revisions, menu items, templates…) are
// skipped. Pingbacks, trackbacks and plugins' notes are skipped.
package wordpress

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"parley/internal/importer"
)

// Bounds on what one record may hold.
const (
	// MaxBody is the longest comment text kept; a longer one is skipped.
	MaxBody = 1 << 20
	// MaxField bounds every other field (names, addresses, titles, IDs).
	MaxField = 16 << 10
	// maxDepth bounds element nesting; WXR needs six levels.
	maxDepth = 64
	// maxTag bounds one tag or declaration in bytes.
	maxTag = 64 << 10
)

// Repair kinds of this parser's own, in addition to importer's.
const (
	// RepairOddDate: a date in a form WXR does not write, read all the same.
	RepairOddDate = "odd-date"
	// RepairLocalTime: a comment or post without its GMT date, timed by its
	// local date and the site's offset as other records in the file show it.
	RepairLocalTime = "local-time"
	// RepairOddStatus: a status or comment type spelled in a way WordPress
	// does not write ("Spam", " 1 ", "approved"), read as what it means.
	RepairOddStatus = "odd-status"
	// RepairThreadKey: an item without a post ID, keyed by its guid, link
	// or place in the file; only the parser knows which comments are its.
	RepairThreadKey = importer.RepairEmptyID
)

// nsWXR starts the namespaces of WXR's wp: elements, which end in the
// version ("1.2/").
const nsWXR = "http://wordpress.org/export/1."

var _ importer.Parser = Parse

// Parse is an importer.Parser for a WXR file.
func Parse(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	r, err := in.Open("")
	if err != nil {
		return fmt.Errorf("wordpress: %w", err)
	}
	defer r.Close()
	return Read(ctx, r, e)
}

// Read parses one WXR file's bytes.
func Read(ctx context.Context, r io.Reader, e importer.Emitter) error {
	s := newScanner(r, MaxBody+1, maxTag)
	d := xml.NewDecoder(s)
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("the file's charset %q is not one known", label)
		}
		s.raw = true
		return enc.NewDecoder().Reader(in), nil
	}
	p := &parser{d: d, s: s, e: e}
	if err := p.run(ctx); err != nil {
		// In a file that declares another charset, the decoder reads
		// ahead of the scanner by up to 4 KiB.
		return fmt.Errorf("wordpress: at byte %d: %w", s.offset, err)
	}
	return nil
}

// parser holds the state of one parse: where in the tree it is and the
// one record being read.
type parser struct {
	d     *xml.Decoder
	s     *scanner
	e     importer.Emitter
	depth int
	wp    string // the namespace of wp: elements

	lang  string // the channel's language
	base  string // the channel's wp:base_blog_url, for relative links
	clock clock
	items int // items seen, for keys of items without one

	author  *author
	item    *item
	comment *comment
	field   *field // the field whose text is being read
}

// field is the text of one element being read, bounded.
type field struct {
	name  string // the element's local name
	b     strings.Builder
	max   int
	over  bool
	depth int   // of its element
	cuts  int64 // the scanner's cuts when it began
}

func (f *field) add(s string) {
	if f.over {
		return
	}
	if f.b.Len()+len(s) > f.max {
		f.over = true
		return
	}
	f.b.WriteString(s)
}

// text is the field's text without the spaces around it.
func (f *field) text() string {
	if f == nil {
		return ""
	}
	return strings.TrimSpace(f.b.String())
}

func (p *parser) run(ctx context.Context) error {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			return errors.New("the file holds no <rss> element")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := directive(t); err != nil {
				return err
			}
		case xml.StartElement:
			if t.Name.Local != "rss" {
				return fmt.Errorf("the file's root is <%s>, not a WordPress export's <rss>", t.Name.Local)
			}
			if err := p.root(t); err != nil {
				return err
			}
			return p.body(ctx)
		}
	}
}

// directive refuses a DTD that declares entities: WXR has none, and
// expanding them is how billion-laughs files blow up (encoding/xml would
// not expand them, but would fail on the first use anyway).
func directive(d xml.Directive) error {
	if strings.Contains(string(d), "ENTITY") {
		return errors.New("the file declares entities in a DTD, which no WordPress export does")
	}
	return nil
}

// root checks the wp namespace the <rss> element declares.
func (p *parser) root(t xml.StartElement) error {
	p.wp = "wp" // undeclared: encoding/xml leaves the prefix as the space
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" && a.Name.Local == "wp" {
			p.wp = strings.TrimSpace(a.Value)
		}
	}
	if p.wp != "wp" && !isWXR(p.wp) {
		return fmt.Errorf("the wp namespace is %q, not WXR 1.0, 1.1 or 1.2", p.wp)
	}
	p.depth = 1
	return nil
}

func isWXR(ns string) bool {
	switch ns {
	case nsWXR + "0/", nsWXR + "1/", nsWXR + "2/":
		return true
	}
	return false
}

// body reads everything inside <rss>.
func (p *parser) body(ctx context.Context) error {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := ctx.Err(); err != nil {
				return err
			}
			p.depth++
			if p.depth > maxDepth {
				return fmt.Errorf("elements nested deeper than %d", maxDepth)
			}
			if err := p.start(ctx, t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := p.end(ctx, t); err != nil {
				return err
			}
			p.depth--
			if p.depth == 0 {
				return nil
			}
		case xml.CharData:
			if p.field != nil {
				p.field.add(string(t))
			}
		case xml.Directive:
			if err := directive(t); err != nil {
				return err
			}
		}
	}
}

// isWP tells whether n is the wp: element local.
func (p *parser) isWP(n xml.Name, local string) bool {
	return n.Local == local && (n.Space == p.wp || isWXR(n.Space))
}

// Depths of the elements read: <rss> is 1.
const (
	depthChannel      = 2
	depthItem         = 3 // and <wp:author>
	depthItemField    = 4 // and <wp:comment>
	depthCommentField = 5
)

func (p *parser) start(ctx context.Context, t xml.StartElement) error {
	if p.field != nil {
		// Markup inside a field: a hand-made export with HTML not in
		// CDATA. Keep it as the HTML it was.
		if !p.field.over {
			p.field.add(startTag(t))
		}
		return nil
	}
	switch {
	case p.depth == depthItem && t.Name.Local == "item":
		p.items++
		p.item = &item{record: p.begin(), n: p.items}
	case p.depth == depthItem && p.isWP(t.Name, "author"):
		p.author = &author{record: p.begin()}
	case p.depth == depthItem && t.Name.Local == "language", p.depth == depthItem && p.isWP(t.Name, "base_blog_url"):
		p.collect(nil, t, MaxField)
	case p.depth == depthItemField && p.author != nil:
		p.collect(p.author.fields, t, MaxField)
	case p.depth == depthItemField && p.item != nil && p.isWP(t.Name, "comment"):
		return p.startComment(ctx)
	case p.depth == depthItemField && p.item != nil:
		p.itemField(t)
	case p.depth == depthCommentField && p.comment != nil && commentFields[t.Name.Local]:
		if t.Name.Local == "comment_content" {
			p.collect(p.comment.fields, t, MaxBody)
		} else {
			p.collect(p.comment.fields, t, MaxField)
		}
	}
	return nil
}

// collect starts reading the text of t, into fields under its local name
// (wp: and RSS names do not clash in the elements read) or, for nil, for
// the channel.
func (p *parser) collect(fields map[string]*field, t xml.StartElement, max int) {
	f := &field{name: t.Name.Local, max: max, depth: p.depth, cuts: p.s.cuts}
	if fields != nil {
		fields[f.name] = f
	}
	p.field = f
}

// commentFields are the fields of a comment read; its URL and IP
// address, and its wp:commentmeta, are not.
var commentFields = map[string]bool{
	"comment_id": true, "comment_author": true, "comment_author_email": true,
	"comment_date": true, "comment_date_gmt": true, "comment_content": true,
	"comment_approved": true, "comment_type": true, "comment_parent": true,
	"comment_user_id": true,
}

func (p *parser) itemField(t xml.StartElement) {
	if t.Name.Local == "category" {
		// Polylang keeps a post's language as a term of its "language"
		// taxonomy.
		if attr(t, "domain") == "language" && p.item.lang == "" {
			p.item.lang = attr(t, "nicename")
		}
		return
	}
	switch t.Name.Local {
	case "title", "link", "guid", "pubDate", "post_id", "post_date", "post_date_gmt",
		"comment_status", "status", "post_type":
		p.collect(p.item.fields, t, MaxField)
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func (p *parser) end(ctx context.Context, t xml.EndElement) error {
	if f := p.field; f != nil {
		if p.depth > f.depth {
			f.add("</" + t.Name.Local + ">")
			return nil
		}
		p.endField()
		return nil
	}
	switch {
	case p.depth == depthItem && p.author != nil:
		a := p.author
		p.author = nil
		return p.emitAuthor(ctx, a)
	case p.depth == depthItem && p.item != nil:
		it := p.item
		p.item = nil
		return p.endItem(ctx, it)
	case p.depth == depthItemField && p.comment != nil:
		c := p.comment
		p.comment = nil
		return p.endComment(ctx, c)
	}
	return nil
}

// endField closes the field being read; the channel's own fields are kept
// in the parser.
func (p *parser) endField() {
	f := p.field
	p.field = nil
	if p.s.cuts > f.cuts {
		f.over = true // the scanner cut its text short
	}
	if p.depth != depthItem || f.over {
		return
	}
	switch f.name {
	case "language":
		p.lang = langTag(f.text())
	case "base_blog_url":
		p.base = f.text()
	}
}

// startTag writes t back as HTML.
func startTag(t xml.StartElement) string {
	var b strings.Builder
	b.WriteString("<" + t.Name.Local)
	for _, a := range t.Attr {
		b.WriteString(" " + a.Name.Local + `="`)
		xml.EscapeText(&b, []byte(a.Value))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	return b.String()
}
