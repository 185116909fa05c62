// Package commento reads a Commento data export (Dashboard → General →
// Export data: a link by e-mail to a gzipped JSON file) for package
// importer.
//
// The format is Commento's own (api/domain_export.go, comment.go and
// commenter.go in gitlab.com/commento/commento): one JSON object
// {"version":1,"comments":[…],"commenters":[…]}, written by json.Marshal
// in one piece. It is read here one array element at a time, the arrays
// in whichever order they come: a post names its author by commenterHex
// alone, and each commenter is emitted once, when it is first met.
//
// A page is the comment's domain and path: the thread's key is
// domain+path and its URL "https://"+domain+path, since Commento keeps no
// scheme (--map-url puts another one right). Commento's export carries no
// page titles and no lock state. Statuses: "approved" is approved,
// "unapproved" and "flagged" (held for a moderator because it looked like
// spam) are pending, deleted:true is deleted. Commento's export leaves the
// deleted flag out but overwrites a deleted comment's text with
// "[deleted]" and its author with "anonymous", so that pair is read as a
// deletion too. commenterHex "anonymous" is a guest.
package commento

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"parley/internal/importer"
	"parley/internal/importer/internal/guard"
)

var _ importer.Parser = Parse

// Bounds on what one record may hold.
const (
	// MaxBody is the longest body kept; a longer comment is skipped.
	MaxBody = 1 << 20
	// MaxField is the longest ID, name, address or e-mail kept.
	MaxField = 8 << 10
	// maxElem bounds one element of the arrays (a comment holds its
	// Markdown and maybe its HTML, escaped); a longer one ends the parse,
	// since JSON cannot be resumed in the middle of a value.
	maxElem = 8 << 20
	// maxKeys bounds the pages and commenters remembered (8 bytes each).
	maxKeys = 1 << 21
)

// Repair kinds of this format.
const (
	RepairTimeFormat = "time-format" // a time in a form other than RFC 3339
	RepairState      = "odd-state"   // a state spelled unlike Commento's three
)

// anonymous is the commenterHex of a comment written without an account.
const anonymous = "anonymous"

// Parse is an importer.Parser.
func Parse(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	rc, err := in.Open("")
	if err != nil {
		return err
	}
	defer rc.Close()
	return Read(ctx, rc, e)
}

// Read parses one export's bytes.
func Read(ctx context.Context, r io.Reader, e importer.Emitter) error {
	src := guard.NewUTF8(r)
	budget := guard.NewBudget(src, maxElem)
	p := &parser{
		e:       e,
		src:     src,
		budget:  budget,
		dec:     json.NewDecoder(budget),
		threads: guard.NewSeen(maxKeys),
		authors: guard.NewSeen(maxKeys),
	}
	if err := p.read(ctx); err != nil {
		if errors.Is(err, errNotExport) {
			return fmt.Errorf("commento: %w", err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("the file ends early (is it cut short?): %w", io.ErrUnexpectedEOF)
		}
		if errors.Is(err, guard.ErrTooLong) {
			err = errors.New("a record over 8 MiB")
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("commento: near byte %d: %w", p.dec.InputOffset(), err)
	}
	return nil
}

type parser struct {
	e       importer.Emitter
	src     *guard.UTF8
	fixed   int64 // src.Fixed when the last record was done
	budget  *guard.Budget
	dec     *json.Decoder
	threads *guard.Seen
	authors *guard.Seen
}

var errNotExport = errors.New(`not a Commento export: it is not one object {"version":1,"comments":[…],"commenters":[…]}`)

func (p *parser) read(ctx context.Context) error {
	tok, err := p.dec.Token()
	if errors.Is(err, io.EOF) || err == nil && tok != json.Delim('{') {
		return errNotExport
	}
	if err != nil {
		return err
	}
	known := false
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case "version":
			err = p.version()
		case "comments":
			known = true
			err = p.each(ctx, p.comment)
		case "commenters":
			known = true
			err = p.each(ctx, p.commenter)
		default:
			err = p.skip()
		}
		if err != nil {
			return err
		}
	}
	if !known {
		return errNotExport
	}
	if _, err := p.dec.Token(); err != nil { // the closing brace
		return err
	}
	return p.rest()
}

func (p *parser) version() error {
	p.budget.Reset()
	var v json.Number
	if err := p.dec.Decode(&v); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	if v != "1" {
		return fmt.Errorf("export version %s; this reads version 1", v)
	}
	return nil
}

// each decodes the array that comes next one element at a time.
func (p *parser) each(ctx context.Context, one func(context.Context) error) error {
	tok, err := p.dec.Token()
	if err != nil || tok == nil {
		return err // null: none
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("%v where a list belongs", tok)
	}
	for p.dec.More() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.budget.Reset()
		if err := one(ctx); err != nil {
			return err
		}
	}
	_, err = p.dec.Token()
	return err
}

// decode decodes the next element into v. ok is false for an element of
// the wrong shape, which is skipped: the decoder has read past it whole.
func (p *parser) decode(v any, what string) (ok bool, err error) {
	err = p.dec.Decode(v)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		p.e.Skipped(what + " with fields of the wrong type")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if p.src.Fixed > p.fixed {
		p.fixed = p.src.Fixed
		p.e.Repaired(importer.RepairEncoding)
	}
	return true, nil
}

func (p *parser) skip() error {
	p.budget.Reset()
	var skip json.RawMessage
	return p.dec.Decode(&skip)
}

// rest checks that nothing but blanks follows the object.
func (p *parser) rest() error {
	p.budget.Reset()
	var extra json.RawMessage
	err := p.dec.Decode(&extra)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return errors.Join(errors.New("more than one value in the file"), err)
}

// comment is one of Commento's comments, the fields that are kept.
type comment struct {
	CommentHex   string      `json:"commentHex"`
	Domain       string      `json:"domain"`
	Path         string      `json:"url"`
	CommenterHex string      `json:"commenterHex"`
	Markdown     string      `json:"markdown"`
	HTML         string      `json:"html"`
	ParentHex    string      `json:"parentHex"`
	State        string      `json:"state"`
	CreationDate guard.Stamp `json:"creationDate"`
	Deleted      bool        `json:"deleted"`
}

func (p *parser) comment(ctx context.Context) error {
	var c comment
	if ok, err := p.decode(&c, "comment"); !ok {
		return err
	}
	switch {
	case c.Domain == "" && c.Path == "":
		p.e.Skipped("comment without a page")
		return nil
	case overlong(c.CommentHex, c.Domain, c.Path, c.CommenterHex, c.ParentHex, c.State):
		p.e.Skipped("comment with an ID, address or state over 8 KiB")
		return nil
	}
	post := &importer.Post{
		Key:       c.CommentHex,
		Thread:    c.Domain + c.Path,
		Parent:    c.ParentHex,
		Author:    importer.Author{Key: c.CommenterHex},
		Body:      c.Markdown,
		Format:    importer.FormatMarkdown,
		Status:    p.status(c.State),
		CreatedAt: p.time(c.CreationDate),
	}
	if post.Parent == "root" {
		post.Parent = ""
	}
	if post.Body == "" && c.HTML != "" {
		post.Body, post.Format = c.HTML, importer.FormatHTML
	}
	if len(post.Body) > MaxBody {
		p.e.Skipped("comment text over 1 MiB")
		return nil
	}
	if c.CommenterHex == anonymous {
		post.Author = importer.Author{Guest: true}
		if c.Markdown == "[deleted]" {
			c.Deleted = true
		}
	}
	if c.Deleted {
		post.Status = importer.StatusDeleted
	}
	if p.threads.Add(post.Thread) {
		t := &importer.Thread{Key: post.Thread, URL: "https://" + post.Thread}
		if err := p.e.Thread(ctx, t); err != nil {
			return err
		}
	}
	return p.e.Post(ctx, post)
}

// status maps Commento's state; "" is what exports from before states
// were kept hold, all of them approved.
func (p *parser) status(state string) importer.Status {
	switch state {
	case "approved", "":
		return importer.StatusApproved
	case "unapproved", "flagged":
		return importer.StatusPending
	}
	p.e.Repaired(RepairState)
	switch strings.ToLower(strings.TrimSpace(state)) {
	case "approved":
		return importer.StatusApproved
	default: // unapproved, flagged, or unknown: a moderator decides
		return importer.StatusPending
	}
}

// time parses a time field; one the core cannot use stays zero, which it
// repairs as a missing time.
func (p *parser) time(s guard.Stamp) time.Time {
	t, odd, _ := guard.Time(string(s))
	if odd {
		p.e.Repaired(RepairTimeFormat)
	}
	return t
}

// commenter is one of Commento's commenters, the fields that are kept.
// The export lists a commenter once per comment, so most come again.
type commenter struct {
	CommenterHex string `json:"commenterHex"`
	Email        string `json:"email"`
	Name         string `json:"name"`
}

func (p *parser) commenter(ctx context.Context) error {
	var c commenter
	if ok, err := p.decode(&c, "commenter"); !ok {
		return err
	}
	switch {
	case c.CommenterHex == "":
		p.e.Skipped("commenter without an ID")
		return nil
	case c.CommenterHex == anonymous:
		return nil // not a person: guests' posts carry no key
	case overlong(c.CommenterHex, c.Email, c.Name):
		p.e.Skipped("commenter with an ID, name or e-mail over 8 KiB")
		return nil
	case !p.authors.Add(c.CommenterHex):
		return nil
	}
	return p.e.Author(ctx, &importer.Author{Key: c.CommenterHex, Name: c.Name, Email: c.Email})
}

func overlong(fields ...string) bool {
	for _, f := range fields {
		if len(f) > MaxField {
			return true
		}
	}
	return false
}
