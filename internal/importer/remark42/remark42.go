// Package remark42 reads a Remark42 backup (what `remark42 backup`, the
// admin export API and the automatic backups in /srv/var/backup write) for
// package importer.
//
// The format is remark42's own (backend/app/migrator/native.go and
// backend/app/store/comment.go in github.com/umputun/remark42): JSON lines,
// the first the meta record {"version":1,"users":[…],"posts":[…]}, then
// one store.Comment per line, grouped by page and oldest first. A page is
// known by its URL (locator.url), which becomes the thread's key and URL;
// its title is the one its first comment carries; a page the meta lists as
// read_only is a closed thread. Bodies are taken from orig, the Markdown
// the commenter wrote, or from text, the rendered HTML, where orig is
// missing. Remark42 keeps e-mail addresses only for users who asked for
// reply notifications, in the meta's users[].details.email; everyone else
// comes without one. Blocked users keep their comments: the block is a
// Remark42 setting, not a verdict on the comments.
package remark42

import (
	"bufio"
	"bytes"
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
	// MaxField is the longest ID, name, address or title kept.
	MaxField = 8 << 10
	// maxLine bounds a comment's line: both bodies at MaxBody, escaped.
	maxLine = 8 << 20
	// maxMetaEntry bounds one user or page entry of the meta record.
	maxMetaEntry = 1 << 20
	// maxKeys bounds the pages remembered (8 bytes each).
	maxKeys = 1 << 21
	// maxEmails bounds the users whose e-mail the meta gives.
	maxEmails = 1 << 18
)

// RepairTimeFormat counts a time written in a form other than RFC 3339.
const RepairTimeFormat = "time-format"

// Parse is an importer.Parser.
func Parse(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	rc, err := in.Open("")
	if err != nil {
		return err
	}
	defer rc.Close()
	return Read(ctx, rc, e)
}

// Read parses one backup's bytes.
func Read(ctx context.Context, r io.Reader, e importer.Emitter) error {
	p := &parser{
		e:       e,
		br:      bufio.NewReaderSize(r, 64<<10),
		threads: guard.NewSeen(maxKeys),
		closed:  guard.NewSeen(maxKeys),
		emails:  map[string]string{},
	}
	if err := p.readMeta(); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, long, err := p.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("remark42: line %d: %w", p.line, err)
		}
		last := err != nil
		if cerr := p.comment(ctx, line, long, last); cerr != nil {
			return cerr
		}
		if last {
			return nil
		}
	}
}

type parser struct {
	e       importer.Emitter
	br      *bufio.Reader
	line    int
	buf     []byte
	threads *guard.Seen // pages whose Thread was emitted
	closed  *guard.Seen // pages the meta marks read-only
	emails  map[string]string
}

// readLine returns the next line without its newline; long reports a line
// over maxLine, whose bytes were read and dropped. At the end of the file
// it returns io.EOF with what the last line held.
func (p *parser) readLine() (line []byte, long bool, err error) {
	p.line++
	p.buf = p.buf[:0]
	for {
		chunk, err := p.br.ReadSlice('\n')
		if need := len(p.buf) + len(chunk); !long && need <= maxLine {
			p.buf = append(grow(p.buf, need), chunk...)
		} else {
			long, p.buf = true, p.buf[:0]
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(p.buf, []byte("\n")), long, err
	}
}

// grow returns buf with room for need bytes, doubling its capacity rather
// than letting append grow a long line by a quarter at a time.
func grow(buf []byte, need int) []byte {
	if need <= cap(buf) {
		return buf
	}
	bigger := make([]byte, len(buf), min(max(2*cap(buf), need), maxLine))
	copy(bigger, buf)
	return bigger
}

// comment is one line of store.Comment, the fields that are kept.
type comment struct {
	ID   string `json:"id"`
	PID  string `json:"pid"`
	Text string `json:"text"`
	Orig string `json:"orig"`
	User struct {
		Name string `json:"name"`
		ID   string `json:"id"`
	} `json:"user"`
	Locator struct {
		URL string `json:"url"`
	} `json:"locator"`
	Time guard.Stamp `json:"time"`
	Edit *struct {
		Time guard.Stamp `json:"time"`
	} `json:"edit"`
	Deleted bool   `json:"delete"`
	Title   string `json:"title"`
}

func (p *parser) comment(ctx context.Context, line []byte, long, last bool) error {
	if long {
		p.e.Skipped("comment line over 8 MiB")
		return nil
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	line, fixed := guard.AppendUTF8(nil, line)
	var c comment
	if err := json.Unmarshal(line, &c); err != nil {
		var syntax *json.SyntaxError
		switch {
		case last && errors.As(err, &syntax):
			return fmt.Errorf("remark42: line %d: the file ends inside a comment (is it cut short?): %w", p.line, err)
		case errors.As(err, &syntax):
			p.e.Skipped("line that is not a JSON comment")
		default:
			p.e.Skipped("comment with fields of the wrong type")
		}
		return nil
	}
	if fixed > 0 {
		p.e.Repaired(importer.RepairEncoding)
	}
	return p.emit(ctx, &c)
}

func (p *parser) emit(ctx context.Context, c *comment) error {
	url := c.Locator.URL
	switch {
	case url == "":
		p.e.Skipped("comment without a page address")
		return nil
	case overlong(c.ID, c.PID, c.User.ID, c.User.Name, url):
		p.e.Skipped("comment with an ID, name or address over 8 KiB")
		return nil
	}
	if len(c.Title) > MaxField {
		c.Title = "" // a page's title, not worth the comment
	}
	post := &importer.Post{
		Key:    c.ID,
		Thread: url,
		Parent: c.PID,
		Author: importer.Author{
			Key:   c.User.ID,
			Name:  c.User.Name,
			Email: p.emails[c.User.ID],
			Guest: strings.HasPrefix(c.User.ID, "anonymous_"),
		},
		Body:      c.Orig,
		Format:    importer.FormatMarkdown,
		CreatedAt: p.time(c.Time),
	}
	if post.Body == "" && c.Text != "" {
		post.Body, post.Format = c.Text, importer.FormatHTML
	}
	if len(post.Body) > MaxBody {
		p.e.Skipped("comment text over 1 MiB")
		return nil
	}
	if c.Edit != nil {
		post.EditedAt = p.time(c.Edit.Time)
	}
	if c.Deleted {
		post.Status = importer.StatusDeleted
	}
	if p.threads.Add(url) {
		t := &importer.Thread{Key: url, URL: url, Title: c.Title, Closed: p.closed.Has(url)}
		if err := p.e.Thread(ctx, t); err != nil {
			return err
		}
	}
	return p.e.Post(ctx, post)
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

func overlong(fields ...string) bool {
	for _, f := range fields {
		if len(f) > MaxField {
			return true
		}
	}
	return false
}
