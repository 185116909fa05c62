package transfer

import (
	"context"
	"fmt"

	"parley"
)

// Target is the database an import writes to.
type Target interface {
	Site(ctx context.Context, id string) (*parley.Site, error)
	CreateSite(ctx context.Context, s *parley.Site) error
	Update(ctx context.Context, fn func(tx parley.Tx) error) error
}

// Unit sizes: a story is one unit of work up to storyUnit rows (a larger
// one takes several, each whole on its own since parents come first);
// users and audit entries go storyUnit at a time too. A unit holds its rows
// in memory, so this bounds an import's memory as page bounds an export's.
const storyUnit = 5000

// Writer writes records into one site of a Target as they were: IDs,
// times, statuses, parents and counts as given. Records come in the
// export's order; the Writer groups them into units of work, one per story,
// so that a story is in the database whole or not at all. Rows already
// there are left alone, so writing the same records twice adds nothing.
// Every importer (ours, and later other systems') feeds one.
type Writer struct {
	ctx    context.Context
	target Target
	siteID string
	stats  Stats

	story   *parley.Story // the story whose rows are pending; nil for none
	pending []func(tx parley.Tx) (string, bool, error)
	kind    string // of the pending rows outside a story: users or audit
}

// NewWriter returns a Writer into site siteID of target.
func NewWriter(ctx context.Context, target Target, siteID string) *Writer {
	return &Writer{ctx: ctx, target: target, siteID: siteID, stats: Stats{}}
}

// Stats returns how many rows of each type the Writer wrote, and under
// "skipped" how many it found there already.
func (w *Writer) Stats() Stats { return w.stats }

// Site creates the site from r unless it exists; an existing site keeps
// its settings.
func (w *Writer) Site(r *Site) error {
	if _, err := w.target.Site(w.ctx, w.siteID); err == nil {
		w.stats["skipped"]++
		return nil
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	r.ID = w.siteID
	s, err := r.site()
	if err != nil {
		return err
	}
	if err := w.target.CreateSite(w.ctx, s); err != nil {
		return fmt.Errorf("transfer: create site %s: %w", w.siteID, err)
	}
	w.stats[TypeSite]++
	return nil
}

// User queues a user.
func (w *Writer) User(r *User) error {
	u, err := r.user(w.siteID)
	if err != nil {
		return err
	}
	return w.outside(TypeUser, func(tx parley.Tx) (bool, error) { return tx.ImportUser(w.ctx, u) })
}

// Audit queues an audit entry.
func (w *Writer) Audit(r *Audit) error {
	e := r.entry(w.siteID)
	return w.outside(TypeAudit, func(tx parley.Tx) (bool, error) { return tx.ImportAudit(w.ctx, e) })
}

// Notice queues a notice.
func (w *Writer) Notice(r *Notice) error {
	n := r.notice(w.siteID)
	return w.outside(TypeNotice, func(tx parley.Tx) (bool, error) { return tx.ImportNotice(w.ctx, n) })
}

// Complaint queues a complaint.
func (w *Writer) Complaint(r *Complaint) error {
	c := r.complaint(w.siteID)
	return w.outside(TypeComplaint, func(tx parley.Tx) (bool, error) { return tx.ImportComplaint(w.ctx, c) })
}

// outside queues a row that belongs to no story, after flushing a story or
// rows of another type.
func (w *Writer) outside(kind string, fn func(tx parley.Tx) (bool, error)) error {
	if w.story != nil || (w.kind != kind && len(w.pending) > 0) {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	w.kind = kind
	return w.queue(kind, fn)
}

// Story starts a story: its comments, reactions and reports follow.
func (w *Writer) Story(r *Story) error {
	if err := w.Flush(); err != nil {
		return err
	}
	st, err := r.story(w.siteID)
	if err != nil {
		return err
	}
	w.story = st
	return w.queue(TypeStory, func(tx parley.Tx) (bool, error) { return tx.ImportStory(w.ctx, st) })
}

// Comment queues a comment of the current story.
func (w *Writer) Comment(r *Comment) error {
	if w.story == nil || r.Story != w.story.ID {
		return parley.Errorf(parley.EINVALID, "Comment %s of story %q comes outside its story's lines.", r.ID, r.Story)
	}
	c, err := r.comment(w.siteID)
	if err != nil {
		return err
	}
	return w.queue(TypeComment, func(tx parley.Tx) (bool, error) { return tx.ImportComment(w.ctx, c) })
}

// Reaction queues a reaction to a comment of the current story.
func (w *Writer) Reaction(r *Reaction) error {
	if w.story == nil {
		return parley.Errorf(parley.EINVALID, "A reaction comes before any story.")
	}
	x := r.reaction()
	return w.queue(TypeReaction, func(tx parley.Tx) (bool, error) { return tx.ImportReaction(w.ctx, x) })
}

// Report queues a report of a comment of the current story.
func (w *Writer) Report(r *Report) error {
	if w.story == nil {
		return parley.Errorf(parley.EINVALID, "A report comes before any story.")
	}
	x := r.report()
	return w.queue(TypeReport, func(tx parley.Tx) (bool, error) { return tx.ImportReport(w.ctx, x) })
}

// Revision queues a revision of a comment of the current story.
func (w *Writer) Revision(r *Revision) error {
	if w.story == nil {
		return parley.Errorf(parley.EINVALID, "A revision comes before any story.")
	}
	x := r.revision()
	return w.queue(TypeRevision, func(tx parley.Tx) (bool, error) { return tx.ImportRevision(w.ctx, x) })
}

// queue adds a write to the pending unit, and writes the unit when full.
func (w *Writer) queue(kind string, fn func(tx parley.Tx) (bool, error)) error {
	w.pending = append(w.pending, func(tx parley.Tx) (string, bool, error) {
		ok, err := fn(tx)
		return kind, ok, err
	})
	if len(w.pending) >= storyUnit {
		story := w.story
		if err := w.Flush(); err != nil {
			return err
		}
		w.story = story // the story's later rows go on in a unit of their own
	}
	return nil
}

// Flush writes the pending rows as one unit of work. When the unit wrote a
// story's rows, it also appends the story's EventStoryChanged (through
// UpdateStory, with the story as it is), so that servers running on the
// database drop what they cached of it.
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		w.story = nil
		return nil
	}
	counts := Stats{}
	err := w.target.Update(w.ctx, func(tx parley.Tx) error {
		clear(counts)
		for _, fn := range w.pending {
			kind, ok, err := fn(tx)
			if err != nil {
				return fmt.Errorf("transfer: %s: %w", kind, err)
			}
			if ok {
				counts[kind]++
			} else {
				counts["skipped"]++
			}
		}
		if w.story != nil && len(counts) > 0 && counts["skipped"] < len(w.pending) {
			return tx.UpdateStory(w.ctx, w.story)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, n := range counts {
		w.stats[k] += n
	}
	w.pending, w.story = w.pending[:0], nil
	return nil
}
