// Package disqusgen writes realistic Disqus exports of any size, for the
// import benchmark and the parser's tests: categories, threads, then posts
// with nested replies, multilingual HTML bodies, and the faults real
// exports carry at a rate of the caller's choosing, so that a benchmark
// exercises the repairs too. The same Options give the same bytes.
//
// It streams: what it keeps is a few recent posts per thread (to reply
// to), so a file of millions of comments needs memory in proportion to its
// threads only.
package disqusgen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Options describe the export to write.
type Options struct {
	// Comments is how many comments to write (a duplicated post, one of the
	// faults, adds its copy on top).
	Comments int
	// Threads is how many threads (pages) they are spread over.
	Threads int
	// Seed fixes the contents.
	Seed uint64
	// FaultRate is the share of posts, and of threads, that carry a fault,
	// from 0 to 1; each such record carries one fault, chosen at random.
	FaultRate float64
	// MaxDepth is the deepest reply (a top-level post is depth 0); 0 means 5.
	MaxDepth int
	// Report, when set, is filled with what was written.
	Report *Report
}

// Report is what Generate wrote.
type Report struct {
	Threads        int // <thread> elements
	DeletedThreads int // of them, marked deleted
	Posts          int // <post> elements, duplicates included
	// PostsOfDeleted are the posts of deleted threads, which the parser
	// skips.
	PostsOfDeleted int
	// Faults counts the faults written, by kind (the Fault constants).
	Faults map[string]int
	// Bytes is the size of the export.
	Bytes int64
}

// The faults Generate writes.
const (
	FaultEmptyIdent    = "empty-ident"         // a thread without <id>
	FaultDeletedThread = "deleted-thread"      // a thread marked deleted
	FaultEmptyID       = "empty-id"            // a post with dsq:id=""
	FaultDuplicateID   = "duplicate-id"        // a post with the ID of the one before it
	FaultDuplicatePost = "duplicate-post"      // a post written twice
	FaultMissingEmail  = "missing-email"       // an author without e-mail
	FaultOrphan        = "orphan"              // a parent that is not in the file
	FaultTimeOrder     = "reply-before-parent" // a reply an hour older than its parent
	FaultEntity        = "double-escaped"      // "&amp;amp;" in a body
	FaultLatin1        = "latin1-bytes"        // raw Latin-1 bytes in a body
	FaultMojibake      = "mojibake"            // UTF-8 read as Windows-1252 ("Ã¼")
	FaultDate          = "date-format"         // "2006-01-02 15:04:05" for a time
	FaultSpam          = "spam"                // isSpam
	FaultDeleted       = "deleted"             // isDeleted
	FaultPending       = "pending"             // isApproved false
)

var postFaults = []string{
	FaultEmptyID, FaultDuplicateID, FaultDuplicatePost, FaultMissingEmail, FaultOrphan,
	FaultTimeOrder, FaultEntity, FaultLatin1, FaultMojibake, FaultDate, FaultSpam, FaultDeleted, FaultPending,
}

// Generate writes the export o describes to w.
func Generate(w io.Writer, o Options) error {
	switch {
	case o.Comments < 0 || o.Threads < 1 || o.Threads > 10_000_000:
		return errors.New("disqusgen: want Comments ≥ 0 and 1 ≤ Threads ≤ 10,000,000")
	case o.FaultRate < 0 || o.FaultRate > 1:
		return errors.New("disqusgen: FaultRate is a share, from 0 to 1")
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 5
	}
	cw := &counter{w: w}
	g := &gen{
		o:       o,
		w:       bufio.NewWriterSize(cw, 256<<10),
		rng:     rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		recent:  make([][ring]recent, o.Threads),
		deleted: make([]bool, o.Threads),
		report:  Report{Faults: map[string]int{}},
		clock:   time.Date(2015, 3, 1, 8, 0, 0, 0, time.UTC),
	}
	g.header()
	for t := range o.Threads {
		g.thread(t)
	}
	for i := range o.Comments {
		g.post(i)
	}
	g.w.WriteString("</disqus>\n")
	err := g.w.Flush()
	g.report.Bytes = cw.n
	if o.Report != nil {
		*o.Report = g.report
	}
	if err != nil {
		return fmt.Errorf("disqusgen: %w", err)
	}
	return nil
}

// ring is how many recent posts of each thread are kept to reply to.
const ring = 8

// recent is a post that may be replied to.
type recent struct {
	id    uint64 // 0: empty slot
	depth uint8
	at    int64 // Unix seconds
}

type gen struct {
	o       Options
	w       *bufio.Writer
	rng     *rand.Rand
	recent  [][ring]recent
	deleted []bool
	report  Report
	clock   time.Time
	lastID  uint64
}

const (
	threadBase = 4_000_000_000
	postBase   = 6_000_000_000
	forum      = "stadtkurier"
)

func (g *gen) header() {
	g.w.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/disqus-internals.xsd">
  <category dsq:id="1001">
    <forum>` + forum + `</forum>
    <title>General</title>
    <isDefault>true</isDefault>
  </category>
`)
}

// fault picks the fault of one record, "" for most.
func (g *gen) fault(kinds []string) string {
	if g.rng.Float64() >= g.o.FaultRate {
		return ""
	}
	k := kinds[g.rng.IntN(len(kinds))]
	g.report.Faults[k]++
	return k
}

func (g *gen) thread(t int) {
	ident := fmt.Sprintf("story-%d", t+1)
	deleted := false
	switch g.fault([]string{FaultEmptyIdent, FaultDeletedThread}) {
	case FaultEmptyIdent:
		ident = ""
	case FaultDeletedThread:
		deleted = true
		g.deleted[t] = true
		g.report.DeletedThreads++
	}
	l := langs[t%len(langs)]
	title := l.titles[g.rng.IntN(len(l.titles))]
	created := g.clock.Add(-time.Duration(g.rng.IntN(48*3600)) * time.Second)
	fmt.Fprintf(g.w, `  <thread dsq:id="%d">
    <id>%s</id>
    <forum>%s</forum>
    <category dsq:id="1001"/>
    <link>https://%s.example/%s/%d/%s</link>
    <title>%s</title>
    <message/>
    <createdAt>%s</createdAt>
    <author>
      <email>redaktion@%s.example</email>
      <name>Redaktion</name>
      <isAnonymous>false</isAnonymous>
      <username>%s</username>
    </author>
    <ipAddress>192.0.2.1</ipAddress>
    <isClosed>%t</isClosed>
    <isDeleted>%t</isDeleted>
  </thread>
`, threadBase+t, ident, forum, forum, l.code, t+1, slug(title), escape(title),
		created.Format(time.RFC3339), forum, forum, g.rng.IntN(20) == 0, deleted)
	g.report.Threads++
}

// post writes the i-th comment.
func (g *gen) post(i int) {
	t := g.rng.IntN(g.o.Threads)
	l := langs[t%len(langs)]
	g.clock = g.clock.Add(time.Duration(1+g.rng.IntN(90)) * time.Second)
	id := uint64(postBase + i)
	p := postData{id: fmt.Sprint(id), thread: threadBase + t, at: g.clock}
	var parent recent
	if slots := &g.recent[t]; g.rng.IntN(2) == 0 {
		if r := slots[g.rng.IntN(ring)]; r.id != 0 && int(r.depth) < g.o.MaxDepth {
			parent = r
			p.parent = fmt.Sprint(r.id)
		}
	}
	a := l.authors[g.rng.IntN(len(l.authors))]
	p.name, p.email, p.username = a, strings.ToLower(strings.ReplaceAll(a, " ", "."))+"@mail.example", strings.ToLower(strings.ReplaceAll(a, " ", "_"))
	p.anonymous = g.rng.IntN(5) == 0
	if p.anonymous {
		p.username = ""
	}
	p.body = g.body(l)
	p.cdata = g.rng.IntN(10) != 0
	twice := false
	switch g.fault(postFaults) {
	case FaultEmptyID:
		p.id = ""
	case FaultDuplicateID:
		if g.lastID != 0 {
			p.id = fmt.Sprint(g.lastID)
		}
	case FaultDuplicatePost:
		twice = true
	case FaultMissingEmail:
		p.email = ""
	case FaultOrphan:
		p.parent = fmt.Sprint(9_000_000_000 + i)
	case FaultTimeOrder:
		if parent.id != 0 {
			p.at = time.Unix(parent.at, 0).UTC().Add(-time.Hour)
		}
	case FaultEntity:
		p.body += "<p>Fish &amp;amp; chips, bitte.</p>"
	case FaultLatin1:
		p.body += "<p>Gr\xfc\xdfe aus K\xf6ln</p>"
	case FaultMojibake:
		p.body += "<p>GrÃ¼ÃŸe aus KÃ¶ln</p>"
	case FaultDate:
		p.plainDate = true
	case FaultSpam:
		p.spam = true
	case FaultDeleted:
		p.deleted = true
	case FaultPending:
		p.pending = true
	}
	g.write(&p)
	if twice {
		g.write(&p)
	}
	g.lastID = id
	if p.id != "" {
		depth := uint8(0)
		if parent.id != 0 && p.parent == fmt.Sprint(parent.id) {
			depth = parent.depth + 1
		}
		g.recent[t][g.rng.IntN(ring)] = recent{id: id, depth: depth, at: p.at.Unix()}
	}
}

// postData is one <post> to write.
type postData struct {
	id, parent, body       string
	thread                 int
	at                     time.Time
	name, email, username  string
	anonymous, cdata       bool
	spam, deleted, pending bool
	plainDate              bool
}

func (g *gen) write(p *postData) {
	g.report.Posts++
	if g.deleted[p.thread-threadBase] {
		g.report.PostsOfDeleted++
	}
	at := p.at.Format(time.RFC3339)
	if p.plainDate {
		at = p.at.Format(time.DateTime)
	}
	msg := "<![CDATA[" + strings.ReplaceAll(p.body, "]]>", "]]&gt;") + "]]>"
	if !p.cdata {
		msg = escape(p.body)
	}
	fmt.Fprintf(g.w, `  <post dsq:id="%s">
    <id/>
    <message>%s</message>
    <createdAt>%s</createdAt>
    <isDeleted>%t</isDeleted>
    <isSpam>%t</isSpam>
`, p.id, msg, at, p.deleted, p.spam)
	if p.pending {
		g.w.WriteString("    <isApproved>false</isApproved>\n")
	}
	fmt.Fprintf(g.w, `    <author>
      <email>%s</email>
      <name>%s</name>
      <isAnonymous>%t</isAnonymous>
      <username>%s</username>
    </author>
    <ipAddress>198.51.100.%d</ipAddress>
    <thread dsq:id="%d"/>
`, p.email, escape(p.name), p.anonymous, p.username, 1+len(p.name)%250, p.thread)
	if p.parent != "" {
		fmt.Fprintf(g.w, "    <parent dsq:id=\"%s\"/>\n", p.parent)
	}
	g.w.WriteString("  </post>\n")
}

// body is one to four paragraphs of l's sentences, some with a link, a
// quote or code.
func (g *gen) body(l *lang) string {
	var b strings.Builder
	for range 1 + g.rng.IntN(4) {
		s := l.sentences[g.rng.IntN(len(l.sentences))]
		switch g.rng.IntN(12) {
		case 0:
			fmt.Fprintf(&b, `<p>%s <a href="https://%s.example/%s/archiv" rel="nofollow noopener">%s</a></p>`, s, forum, l.code, l.link)
		case 1:
			fmt.Fprintf(&b, "<blockquote>%s</blockquote>", s)
		case 2:
			b.WriteString("<p><code>git log --oneline | head</code></p>")
		case 3:
			fmt.Fprintf(&b, "<p><b>%s</b></p>", s)
		default:
			fmt.Fprintf(&b, "<p>%s</p>", s)
		}
	}
	return b.String()
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return xmlEscaper.Replace(s) }

// slug is title as a path segment.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' && b.Len() > 0:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// counter counts what is written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
