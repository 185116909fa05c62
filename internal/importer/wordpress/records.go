package wordpress

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/language"

	"parley/internal/importer"
)

// record is what authors, items and comments share: their fields by name
// and the scanner's counters when they began.
type record struct {
	fields           map[string]*field
	mapped, escaped  int64 // the scanner's counters at the start
	sealed, enc, ent bool  // whether the scanner repaired its bytes
}

func (p *parser) begin() record {
	return record{fields: map[string]*field{}, mapped: p.s.mapped, escaped: p.s.escaped}
}

func (r *record) get(name string) string { return r.fields[name].text() }

// over tells whether a field of the record was over its bound.
func (r *record) over() bool {
	for _, f := range r.fields {
		if f.over {
			return true
		}
	}
	return false
}

// seal notes whether the scanner repaired the record's bytes so far, so
// that an item's repairs are not those of its comments.
func (r *record) seal(s *scanner) {
	if !r.sealed {
		r.sealed, r.enc, r.ent = true, s.mapped > r.mapped, s.escaped > r.escaped
	}
}

// report counts what the scanner repaired in the record.
func (p *parser) report(r *record) {
	r.seal(p.s)
	if r.enc {
		p.e.Repaired(importer.RepairEncoding)
	}
	if r.ent {
		p.e.Repaired(importer.RepairEntity)
	}
}

// author is a <wp:author> of the channel: a user of the site.
type author struct{ record }

// item is an <item>: a post, page or other piece of content.
type item struct {
	record
	lang    string // Polylang's language term, if any
	thread  bool   // the Thread was emitted
	key     string // its Key, once emitted
	skipped string // why the item is skipped, once decided
	n       int    // its place among the file's items
}

// comment is a <wp:comment>.
type comment struct{ record }

func (p *parser) emitAuthor(ctx context.Context, a *author) error {
	id := a.get("author_id")
	switch {
	case a.over():
		p.e.Skipped("site user with a field over its size limit")
		return nil
	case id == "":
		p.e.Skipped("site user without an ID")
		return nil
	}
	name := a.get("author_display_name")
	if name == "" {
		name = a.get("author_login")
	}
	if digits(id) && strings.Trim(id, "0") != "" {
		id = strings.TrimLeft(id, "0")
	}
	p.report(&a.record)
	return p.e.Author(ctx, &importer.Author{Key: "user:" + id, Name: name, Email: a.get("author_email")})
}

// internalTypes are WordPress's own post types, which no reader comments.
var internalTypes = map[string]bool{
	"revision": true, "nav_menu_item": true, "custom_css": true, "customize_changeset": true,
	"oembed_cache": true, "user_request": true, "wp_block": true, "wp_template": true,
	"wp_template_part": true, "wp_global_styles": true, "wp_navigation": true,
	"wp_font_family": true, "wp_font_face": true,
}

// verdict sorts an item by type and status: reason is why it is skipped,
// "" for a post or page; lazy means it is kept after all once one of its
// comments is.
func (it *item) verdict() (reason string, lazy bool) {
	typ := strings.ToLower(it.get("post_type"))
	switch {
	case it.over():
		return "item with a field over its size limit", false
	case strings.EqualFold(it.get("status"), "auto-draft"):
		return "auto-draft item (never published)", false
	case typ == "" || typ == "post" || typ == "page":
		return "", false
	case internalTypes[typ]:
		return "item of WordPress's internal types (revision, menu item, template…)", false
	case typ == "attachment":
		return "attachment without comments", true
	}
	return "item of a plugin's post type without comments", true
}

// startComment decides, at an item's first comment, whether the item is
// skipped; its fields come before its comments.
func (p *parser) startComment(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	it := p.item
	it.seal(p.s)
	if !it.thread && it.skipped == "" {
		if reason, lazy := it.verdict(); reason != "" && !lazy {
			it.skipped = reason
			p.e.Skipped(reason)
		}
	}
	p.comment = &comment{record: p.begin()}
	return nil
}

func (p *parser) endItem(ctx context.Context, it *item) error {
	if it.thread || it.skipped != "" {
		return nil
	}
	if reason, _ := it.verdict(); reason != "" {
		p.e.Skipped(reason)
		return nil
	}
	return p.emitThread(ctx, it)
}

func (p *parser) emitThread(ctx context.Context, it *item) error {
	it.thread, it.key = true, p.threadKey(it)
	t := &importer.Thread{
		Key:   it.key,
		URL:   p.link(it),
		Title: it.get("title"),
		Lang:  langTag(it.lang),
	}
	if t.Lang == "" {
		t.Lang = p.lang
	}
	var kinds []string
	t.CreatedAt, kinds = p.clock.resolve(it.get("post_date_gmt"), it.get("post_date"))
	if t.CreatedAt.IsZero() {
		if pub, err := time.Parse(time.RFC1123Z, it.get("pubDate")); err == nil && plausible(pub) {
			t.CreatedAt = pub.UTC()
		}
	}
	var odd bool
	t.Closed, odd = closed(it.get("comment_status"))
	if odd {
		kinds = append(kinds, RepairOddStatus)
	}
	p.report(&it.record)
	for _, k := range kinds {
		p.e.Repaired(k)
	}
	return p.e.Thread(ctx, t)
}

// threadKey is the item's post ID. An item without one gets a key of its
// guid, link or place in the file: only the parser knows which comments
// it holds, so only it can key them together.
func (p *parser) threadKey(it *item) string {
	if id := it.get("post_id"); id != "" {
		return id
	}
	p.e.Repaired(RepairThreadKey)
	if g := it.get("guid"); g != "" {
		return "guid:" + g
	}
	if l := it.get("link"); l != "" {
		return "link:" + l
	}
	return fmt.Sprintf("item:%d", it.n)
}

// link is the item's address: its <link>, else its guid when that is an
// address; a relative one is taken relative to the blog's.
func (p *parser) link(it *item) string {
	l := it.get("link")
	if l == "" {
		if g := it.get("guid"); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
			l = g
		}
	}
	if l == "" || p.base == "" || strings.Contains(l, "://") {
		return l
	}
	base, err := url.Parse(p.base)
	ref, err2 := url.Parse(l)
	if err != nil || err2 != nil {
		return l
	}
	return base.ResolveReference(ref).String()
}

// closed reads wp:comment_status: "closed" is closed, anything else open.
func closed(s string) (closed, odd bool) {
	switch s {
	case "open", "":
		return false, false
	case "closed":
		return true, false
	}
	v := strings.ToLower(strings.TrimSpace(s))
	return v == "closed", true
}

func (p *parser) endComment(ctx context.Context, c *comment) error {
	it := p.item
	keep, reason, oddType := commentType(c.get("comment_type"))
	switch {
	case it.skipped != "":
		p.e.Skipped("comment on a skipped item")
		return nil
	case !keep:
		p.e.Skipped(reason)
		return nil
	case c.fields["comment_content"] != nil && c.fields["comment_content"].over:
		p.e.Skipped("comment text over 1 MiB")
		return nil
	case c.over():
		p.e.Skipped("comment with a field over its size limit")
		return nil
	}
	body := autop(c.get("comment_content"))
	if len(body) > MaxBody {
		p.e.Skipped("comment text over 1 MiB")
		return nil
	}
	if !it.thread {
		if err := p.emitThread(ctx, it); err != nil {
			return err
		}
	}
	post := &importer.Post{
		Key:    c.get("comment_id"),
		Thread: it.key,
		Parent: parent(c.get("comment_parent")),
		Author: commentAuthor(c),
		Body:   body,
		Format: importer.FormatHTML,
	}
	var oddStatus bool
	post.Status, oddStatus = commentStatus(c.get("comment_approved"))
	var kinds []string
	post.CreatedAt, kinds = p.clock.resolve(c.get("comment_date_gmt"), c.get("comment_date"))
	if oddStatus || oddType {
		kinds = append(kinds, RepairOddStatus)
	}
	p.report(&c.record)
	for _, k := range kinds {
		p.e.Repaired(k)
	}
	return p.e.Post(ctx, post)
}

// commentType sorts wp:comment_type: readers' comments and WooCommerce's
// product reviews are kept; pingbacks, trackbacks and plugins' own kinds
// (order notes, logs) are not.
func commentType(s string) (keep bool, reason string, odd bool) {
	v := strings.ToLower(strings.TrimSpace(s))
	odd = v != s
	switch v {
	case "", "comment", "review":
		return true, "", odd
	case "pingback", "trackback":
		return false, v, false
	}
	return false, "comment of a plugin's own type (a note or a log, not a reader's)", false
}

// commentStatus maps wp:comment_approved. A value WordPress does not
// write is read by what it says, and one that says nothing is held for
// review: better pending than published by mistake.
func commentStatus(s string) (status importer.Status, odd bool) {
	switch s {
	case "1":
		return importer.StatusApproved, false
	case "0":
		return importer.StatusPending, false
	case "spam":
		return importer.StatusSpam, false
	case "trash", "post-trashed":
		return importer.StatusDeleted, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "approve", "approved":
		return importer.StatusApproved, true
	case "spam":
		return importer.StatusSpam, true
	case "trash", "post-trashed", "deleted":
		return importer.StatusDeleted, true
	}
	return importer.StatusPending, true
}

// parent maps wp:comment_parent, where 0 marks a top-level comment.
func parent(s string) string {
	if strings.Trim(s, "0") == "" {
		return ""
	}
	return s
}

// commentAuthor is the comment's author; wp:comment_user_id is the site
// user who wrote it, 0 for a guest.
func commentAuthor(c *comment) importer.Author {
	a := importer.Author{Name: c.get("comment_author"), Email: c.get("comment_author_email")}
	if id := c.get("comment_user_id"); digits(id) && strings.Trim(id, "0") != "" {
		a.Key = "user:" + strings.TrimLeft(id, "0")
	} else {
		a.Guest = true
	}
	return a
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// langTag turns WordPress's language ("de-DE", older "de_DE", Polylang's
// "de") into a BCP 47 tag, "" when it is none.
func langTag(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if s == "" {
		return ""
	}
	t, err := language.Parse(s)
	if err != nil {
		return ""
	}
	return t.String()
}
