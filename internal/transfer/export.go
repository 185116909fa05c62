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
// (parents first), their reactions, reports and revisions, then the
// moderation history: the audit log, notices and complaints. It
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
	if err := e.history(opt.Emails); err != nil {
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

// each reads the pages of next, from key on, until a short one, and writes
// every row as the record rec makes of it; rec also returns the row's key,
// where the next page starts.
func each[T, K any](e *exporter, kind string, key K, next func(K) ([]T, error), rec func(T) (any, K)) error {
	for {
		rows, err := next(key)
		if err != nil {
			return err
		}
		for _, row := range rows {
			var r any
			r, key = rec(row)
			if err := e.write(kind, r); err != nil {
				return err
			}
		}
		if len(rows) < page {
			return nil
		}
	}
}

func (e *exporter) users(emails bool) error {
	return each(e, TypeUser, "", func(after string) ([]*parley.User, error) {
		return e.src.TransferUsers(e.ctx, e.site, after, page)
	}, func(u *parley.User) (any, string) { return userRecord(u, emails), u.ID })
}

// stories writes every story with what hangs on it.
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

// story writes a story, its comments parents first, their reactions,
// reports and revisions.
func (e *exporter) story(st *parley.Story) error {
	if err := e.write(TypeStory, storyRecord(st)); err != nil {
		return err
	}
	err := each(e, TypeComment, parley.CommentKey{}, func(k parley.CommentKey) ([]*parley.Comment, error) {
		return e.src.TransferComments(e.ctx, e.site, st.ID, k, page)
	}, func(c *parley.Comment) (any, parley.CommentKey) {
		return commentRecord(c), parley.CommentKey{Depth: c.Depth, ID: c.ID}
	})
	if err != nil {
		return err
	}
	err = each(e, TypeReaction, parley.ReactionRow{}, func(k parley.ReactionRow) ([]parley.ReactionRow, error) {
		return e.src.TransferReactions(e.ctx, e.site, st.ID, k, page)
	}, func(r parley.ReactionRow) (any, parley.ReactionRow) { return reactionRecord(r), r })
	if err != nil {
		return err
	}
	err = each(e, TypeReport, "", func(after string) ([]*parley.Report, error) {
		return e.src.TransferReports(e.ctx, e.site, st.ID, after, page)
	}, func(r *parley.Report) (any, string) { return reportRecord(r), r.ID })
	if err != nil {
		return err
	}
	return each(e, TypeRevision, parley.RevisionKey{}, func(k parley.RevisionKey) ([]*parley.Revision, error) {
		return e.src.TransferRevisions(e.ctx, e.site, st.ID, k, page)
	}, func(r *parley.Revision) (any, parley.RevisionKey) {
		return revisionRecord(r), parley.RevisionKey{CommentID: r.CommentID, N: r.N}
	})
}

// history writes the site's moderation history outside the stories: the
// audit log, then notices and the complaints that may name both.
func (e *exporter) history(emails bool) error {
	err := each(e, TypeAudit, int64(0), func(after int64) ([]*parley.AuditEntry, error) {
		return e.src.TransferAudit(e.ctx, e.site, after, page)
	}, func(x *parley.AuditEntry) (any, int64) { return auditRecord(x), x.ID })
	if err != nil {
		return err
	}
	err = each(e, TypeNotice, "", func(after string) ([]*parley.Notice, error) {
		return e.src.TransferNotices(e.ctx, e.site, after, page)
	}, func(n *parley.Notice) (any, string) { return noticeRecord(n, emails), n.Reference })
	if err != nil {
		return err
	}
	return each(e, TypeComplaint, "", func(after string) ([]*parley.Complaint, error) {
		return e.src.TransferComplaints(e.ctx, e.site, after, page)
	}, func(c *parley.Complaint) (any, string) { return complaintRecord(c), c.Reference })
}
