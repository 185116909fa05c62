// Package disqus reads the XML export of Disqus (Admin → Moderation →
// Export, mailed as a gzip file) for `parley import disqus`.
//
// The export is documented at help.disqus.com ("Comments export", and the
// same elements in "Custom XML import format"): a <disqus> root holding
// every <category>, then every <thread> (a page: its disqus_identifier in
// <id>, <link>, <title>, <createdAt>, <isClosed>, <isDeleted>), then every
// <post> (a comment: <message> in HTML, <createdAt>, <isDeleted>,
// <isSpam>, an inline <author>, <thread dsq:id>, and <parent dsq:id> for a
// reply). The dsq:id attributes are Disqus's own numeric IDs, which posts
// use to name their thread and parent.
//
// Deleted threads are skipped with their posts: a thread deleted in Disqus
// is one its owner removed, and its comments were no longer shown.
package disqus

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/maphash"
	"html"
	"io"
	"strings"
	"time"

	"parley/internal/importer"
)

// Bounds on what one record may hold. A longer field skips its record.
const (
	// MaxBody is the longest <message>, in bytes.
	MaxBody = 1 << 20
	// MaxField is the longest of any other field.
	MaxField = 64 << 10
	// maxDepth bounds element nesting; an export needs four levels.
	maxDepth = 64
	// maxMarkup bounds one tag, processing instruction or declaration.
	maxMarkup = 64 << 10
)

// Repair kinds of this parser's own.
const (
	// RepairDate is a <createdAt> in a form other than the documented
	// "2013-07-12T10:25:39Z" (no zone, a space for the T), read as UTC.
	RepairDate = "date-format"
	// RepairBoolean is a flag spelled other than "true" or "false".
	RepairBoolean = "boolean-spelling"
	// RepairControl is a control character XML does not allow, dropped.
	RepairControl = "control-character"
)

// The namespace of the dsq:id attributes.
const internals = "http://disqus.com/disqus-internals"

var _ importer.Parser = Parse

// Parse is an importer.Parser.
func Parse(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	f, err := in.Open("")
	if err != nil {
		return fmt.Errorf("disqus: %w", err)
	}
	defer f.Close()
	return Read(ctx, f, e)
}

// Read parses one file's bytes (what Parse does after opening).
func Read(ctx context.Context, r io.Reader, e importer.Emitter) error {
	s := newScrub(r, MaxBody, maxMarkup)
	d := xml.NewDecoder(s)
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = s.charset
	p := &parser{d: d, s: s, e: e, seed: maphash.MakeSeed(), deleted: map[uint64]struct{}{}}
	if err := p.document(ctx); err != nil {
		return p.wrap(err)
	}
	return nil
}

// charset is the decoder's CharsetReader for the encoding the file
// declares. The decoder's input is s, which writes UTF-8 whatever it
// reads, so it is returned as it is; a Latin-1 declaration tells s to read
// every byte above 0x7F as one character.
func (s *scrub) charset(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252":
		s.latin = true
		return r, nil
	}
	return nil, fmt.Errorf("the file declares the encoding %q; this reads UTF-8 and Latin-1", label)
}

// parser is the state of one Read.
type parser struct {
	d     *xml.Decoder
	s     *scrub
	e     importer.Emitter
	depth int
	// deleted holds a hash of the key of every deleted thread, so that
	// their posts, which come later, are skipped too.
	seed    maphash.Seed
	deleted map[uint64]struct{}
}

// errNotDisqus is the error for a file that is not a Disqus export.
var errNotDisqus = errors.New("not a Disqus export")

// wrap adds the line the error was found on.
func (p *parser) wrap(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("disqus: stopped at line %d: %w", p.s.Line(), err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "unexpected EOF" {
			return fmt.Errorf("disqus: line %d: the file ends in the middle of the XML (truncated?): %w", p.s.Line(), io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("disqus: line %d: malformed XML: %s", p.s.Line(), se.Msg)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("disqus: line %d: the file ends before its root element is closed (truncated?): %w", p.s.Line(), io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("disqus: line %d: %w", p.s.Line(), err)
}

// token reads the next token, minding the nesting bound and refusing
// entity declarations.
func (p *parser) token() (xml.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if p.depth++; p.depth > maxDepth {
			return nil, fmt.Errorf("elements nested deeper than %d", maxDepth)
		}
	case xml.EndElement:
		p.depth--
	case xml.Directive:
		if strings.Contains(string(t), "ENTITY") {
			return nil, errors.New("the file declares entities in a DOCTYPE, which an export never does; refusing it")
		}
	}
	return tok, nil
}

// document reads the root and each record in it.
func (p *parser) document(ctx context.Context) error {
	for {
		tok, err := p.token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: the file holds no XML element", errNotDisqus)
			}
			return err
		}
		if start, ok := tok.(xml.StartElement); ok {
			if start.Name.Local != "disqus" {
				return fmt.Errorf("%w: the root element is <%s>, not <disqus>", errNotDisqus, start.Name.Local)
			}
			return p.records(ctx)
		}
	}
}

// records reads the children of the root, one record at a time.
func (p *parser) records(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil // the root is closed; anything after it is not ours
		case xml.StartElement:
			if err := p.record(ctx, t); err != nil {
				return err
			}
		}
	}
}

// record reads one child of the root and hands it on.
func (p *parser) record(ctx context.Context, start xml.StartElement) error {
	before := p.s.counts()
	switch start.Name.Local {
	case "thread":
		rec, err := p.read(ctx, start, threadFields)
		if err != nil {
			return err
		}
		return p.thread(ctx, rec, before)
	case "post":
		rec, err := p.read(ctx, start, postFields)
		if err != nil {
			return err
		}
		return p.post(ctx, rec, before)
	case "category":
		p.e.Skipped("category (Disqus's grouping of threads)")
	default:
		p.e.Skipped("unknown element <" + bound(start.Name.Local, 64) + ">")
	}
	_, err := p.read(ctx, start, nil)
	return err
}

// bound cuts s to at most n bytes, for a name quoted in a reason.
func bound(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// The fields kept of each record, by path below it ("@id" is the dsq:id
// attribute).
var (
	threadFields = map[string]bool{
		"@id": true, "id": true, "link": true, "title": true, "createdAt": true,
		"isClosed": true, "isDeleted": true,
	}
	postFields = map[string]bool{
		"@id": true, "message": true, "createdAt": true,
		"isDeleted": true, "isSpam": true, "isApproved": true,
		"author/email": true, "author/name": true, "author/isAnonymous": true, "author/username": true,
		"thread@id": true, "parent@id": true,
	}
)

// rec is one record's fields as the file has them.
type rec struct {
	vals map[string][]byte
	over string // the first field over its bound, "" if none
}

func (r *rec) text(path string) string { return strings.TrimSpace(string(r.vals[path])) }

// has reports whether the field was present.
func (r *rec) has(path string) bool { _, ok := r.vals[path]; return ok }

// add appends b to the field at path, keeping it within its bound.
func (r *rec) add(path string, b []byte) {
	limit := MaxField
	if path == "message" {
		limit = MaxBody
	}
	v := r.vals[path]
	if len(v)+len(b) > limit {
		if r.over == "" {
			r.over = path
		}
		return
	}
	r.vals[path] = append(v, b...)
}

// read reads the element start up to its end, keeping the text of the
// fields in want (nil: nothing). Elements inside <message>, where an
// exporter left the HTML unescaped, are written back as HTML.
func (p *parser) read(ctx context.Context, start xml.StartElement, want map[string]bool) (*rec, error) {
	r := &rec{vals: map[string][]byte{}}
	r.attrs(start, "", want)
	var stack []string // local names below start
	for n := 0; ; n++ {
		if n%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if want != nil && len(stack) > 0 && stack[0] == "message" {
				r.add("message", startTag(t))
			}
			stack = append(stack, t.Name.Local)
			if want != nil && len(stack) <= 2 {
				path := strings.Join(stack, "/")
				if want[path] && !r.has(path) {
					r.vals[path] = nil
				}
				r.attrs(t, path, want)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return r, nil
			}
			stack = stack[:len(stack)-1]
			if want != nil && len(stack) > 0 && stack[0] == "message" {
				r.add("message", []byte("</"+t.Name.Local+">"))
			}
		case xml.CharData:
			switch {
			case want == nil || len(stack) == 0 || len(stack) > 2 && stack[0] != "message":
			case stack[0] == "message" && len(stack) > 1:
				r.add("message", []byte(html.EscapeString(string(t))))
			case want[strings.Join(stack, "/")]:
				r.add(strings.Join(stack, "/"), t)
			}
		}
	}
}

// attrs keeps the dsq:id attribute of the element at path.
func (r *rec) attrs(t xml.StartElement, path string, want map[string]bool) {
	for _, a := range t.Attr {
		if a.Name.Local == "id" && (a.Name.Space == internals || a.Name.Space == "dsq") && want[path+"@id"] {
			r.vals[path+"@id"] = nil
			r.add(path+"@id", []byte(a.Value))
		}
	}
}

// startTag writes t back as an HTML start tag.
func startTag(t xml.StartElement) []byte {
	var b strings.Builder
	b.WriteString("<" + t.Name.Local)
	for _, a := range t.Attr {
		b.WriteString(" " + a.Name.Local + `="` + html.EscapeString(a.Value) + `"`)
	}
	b.WriteString(">")
	return []byte(b.String())
}

// thread hands on a <thread>, or skips it.
func (p *parser) thread(ctx context.Context, r *rec, before counts) error {
	key := r.text("@id")
	switch {
	case r.over != "" || p.s.counts().cut > before.cut:
		p.e.Skipped("thread with a field over 64 KiB")
		return nil
	case p.flag(r, "isDeleted"):
		p.deleted[maphash.String(p.seed, key)] = struct{}{}
		p.e.Skipped("deleted thread")
		return nil
	}
	t := &importer.Thread{
		Key:       key,
		Ident:     r.text("id"),
		URL:       r.text("link"),
		Title:     r.text("title"),
		Closed:    p.flag(r, "isClosed"),
		CreatedAt: p.time(r),
	}
	p.repairs(before)
	return p.e.Thread(ctx, t)
}

// post hands on a <post>, or skips it.
func (p *parser) post(ctx context.Context, r *rec, before counts) error {
	thread := r.text("thread@id")
	switch {
	case r.over == "message" || p.s.counts().cut > before.cut:
		p.e.Skipped("post with a message over 1 MiB")
		return nil
	case r.over != "":
		p.e.Skipped("post with a field over 64 KiB")
		return nil
	case thread == "":
		p.e.Skipped("post without a thread")
		return nil
	}
	if _, ok := p.deleted[maphash.String(p.seed, thread)]; ok {
		p.e.Skipped("post of a deleted thread")
		return nil
	}
	anonymous := p.flag(r, "author/isAnonymous")
	post := &importer.Post{
		Key:    r.text("@id"),
		Thread: thread,
		Parent: r.text("parent@id"),
		Author: importer.Author{
			Name:  r.text("author/name"),
			Email: r.text("author/email"),
			Guest: anonymous,
		},
		Body:      r.text("message"),
		Format:    importer.FormatHTML,
		Status:    p.status(r),
		CreatedAt: p.time(r),
	}
	if !anonymous {
		post.Author.Key = r.text("author/username")
	}
	p.repairs(before)
	return p.e.Post(ctx, post)
}

// status maps the post's flags to a Status. Spam wins over deleted (Disqus
// deletes much of its spam, and spam says more); <isApproved>false, which
// some exports carry for comments held for moderation, is pending.
func (p *parser) status(r *rec) importer.Status {
	spam, deleted := p.flag(r, "isSpam"), p.flag(r, "isDeleted")
	switch {
	case spam:
		return importer.StatusSpam
	case deleted:
		return importer.StatusDeleted
	case r.has("isApproved") && !p.flag(r, "isApproved"):
		return importer.StatusPending
	}
	return importer.StatusApproved
}

// flag reads a boolean field; anything but "true" and "false" is counted
// as repaired, read as true where it plainly means it.
func (p *parser) flag(r *rec, path string) bool {
	v := r.text(path)
	switch v {
	case "true":
		return true
	case "false", "":
		return false
	}
	p.e.Repaired(RepairBoolean)
	switch strings.ToLower(v) {
	case "true", "1", "yes", "y", "t", "on":
		return true
	}
	return false
}

// time reads <createdAt>: RFC 3339 as documented, a few near misses
// counted as repaired, anything else left zero for the core to fill.
func (p *parser) time(r *rec) time.Time {
	v := r.text("createdAt")
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC()
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02 15:04:05 MST"} {
		if t, err := time.Parse(layout, v); err == nil {
			p.e.Repaired(RepairDate)
			return t.UTC()
		}
	}
	return time.Time{}
}

// counts are scrub's repair counters at one moment.
type counts struct{ encoding, controls, entities, cut int }

func (s *scrub) counts() counts { return counts{s.encoding, s.controls, s.entities, s.cut} }

// repairs counts, once each, the kinds scrub repaired in the record read
// since before.
func (p *parser) repairs(before counts) {
	now := p.s.counts()
	if now.encoding > before.encoding {
		p.e.Repaired(importer.RepairEncoding)
	}
	if now.controls > before.controls {
		p.e.Repaired(RepairControl)
	}
	if now.entities > before.entities {
		p.e.Repaired(importer.RepairEntity)
	}
}
