package transfer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"parley"
)

// page is how many rows one read of an export asks for: the most an
// export holds in memory at once.
const page = 500

// Source is what Export reads.
type Source interface {
	parley.TransferReader
	Site(ctx context.Context, id string) (*parley.Site, error)
}

// Options change what an export holds.
type Options struct {
	// Emails puts users' e-mail addresses in the export. Off by default:
	// an export leaves the host's database, and an address is the one
	// personal datum in it that identifies a reader outside the site. An
	// operator moving the site to another database of their own turns it
	// on, or readers who signed in by e-mail start afresh.
	Emails bool
}

// Stats counts the records of an export or the rows an import wrote.
type Stats map[string]int

// Export writes the site's rows to w as JSON Lines, in the order Import
// reads them: the site, its users, then each story followed by its comments
// (parents first), their reactions and reports, then the audit log. It
// reads page by page, so memory does not grow with the site.
func Export(ctx context.Context, src Source, w io.Writer, siteID string, opt Options) (Stats, error) {
	site, err := src.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // bodies and HTML stay readable; JSON needs no escaping of <>&
	e := &exporter{ctx: ctx, src: src, site: siteID, w: buf, enc: enc, stats: Stats{}}
	rec, err := siteRecord(site)
	if err != nil {
		return nil, err
	}
	if err := e.write(TypeSite, rec); err != nil {
		return nil, err
	}
	if err := e.users(opt.Emails); err != nil {
		return nil, err
	}
	if err := e.stories(); err != nil {
		return nil, err
	}
	if err := e.audit(); err != nil {
		return nil, err
	}
	return e.stats, e.w.Flush()
}

// exporter writes the lines of one export.
type exporter struct {
	ctx   context.Context
	src   Source
	site  string
	w     *bufio.Writer
	enc   *json.Encoder // on w, one value a line
	stats Stats
}

// write encodes one record on a line of its own.
func (e *exporter) write(kind string, rec any) error {
	if err := e.enc.Encode(rec); err != nil {
		return fmt.Errorf("transfer: write %s: %w", kind, err)
	}
	e.stats[kind]++
	return nil
}

func (e *exporter) users(emails bool) error {
	after := ""
	for {
		users, err := e.src.TransferUsers(e.ctx, e.site, after, page)
		if err != nil {
			return err
		}
		for _, u := range users {
			if err := e.write(TypeUser, userRecord(u, emails)); err != nil {
				return err
			}
			after = u.ID
		}
		if len(users) < page {
			return nil
		}
	}
}

func (e *exporter) stories() error {
	after := ""
	for {
		stories, err := e.src.TransferStories(e.ctx, e.site, after, page)
		if err != nil {
			return err
		}
		for _, st := range stories {
			if err := e.story(st); err != nil {
				return err
			}
			after = st.ID
		}
		if len(stories) < page {
			return nil
		}
	}
}

// story writes a story and what hangs on it.
func (e *exporter) story(st *parley.Story) error {
	if err := e.write(TypeStory, storyRecord(st)); err != nil {
		return err
	}
	var key parley.CommentKey
	for {
		cs, err := e.src.TransferComments(e.ctx, e.site, st.ID, key, page)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := e.write(TypeComment, commentRecord(c)); err != nil {
				return err
			}
			key = parley.CommentKey{Depth: c.Depth, ID: c.ID}
		}
		if len(cs) < page {
			break
		}
	}
	if err := e.reactions(st.ID); err != nil {
		return err
	}
	return e.reports(st.ID)
}

func (e *exporter) reactions(storyID string) error {
	var after parley.ReactionRow
	for {
		rs, err := e.src.TransferReactions(e.ctx, e.site, storyID, after, page)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := e.write(TypeReaction, reactionRecord(r)); err != nil {
				return err
			}
			after = r
		}
		if len(rs) < page {
			return nil
		}
	}
}

func (e *exporter) reports(storyID string) error {
	after := ""
	for {
		rs, err := e.src.TransferReports(e.ctx, e.site, storyID, after, page)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := e.write(TypeReport, reportRecord(r)); err != nil {
				return err
			}
			after = r.ID
		}
		if len(rs) < page {
			return nil
		}
	}
}

func (e *exporter) audit() error {
	var after int64
	for {
		es, err := e.src.TransferAudit(e.ctx, e.site, after, page)
		if err != nil {
			return err
		}
		for _, x := range es {
			if err := e.write(TypeAudit, auditRecord(x)); err != nil {
				return err
			}
			after = x.ID
		}
		if len(es) < page {
			return nil
		}
	}
}
