package service

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"parley"
)

// SetStoryOpen opens or closes a story's discussion, with its audit entry,
// in one unit of work; a story nobody has commented on yet is registered
// so that it can be closed in advance. A story already so returns a nil
// entry and writes nothing.
func (s *Service) SetStoryOpen(ctx context.Context, siteID, storyID string, open bool) (*parley.AuditEntry, error) {
	a, err := s.staffSite(ctx, siteID, actModerate)
	if err != nil {
		return nil, err
	}
	status, action := parley.StoryClosed, parley.AuditStoryClosed
	if open {
		status, action = parley.StoryOpen, parley.AuditStoryReopened
	}
	var e *parley.AuditEntry
	_, changed, err := s.changeStory(ctx, siteID, storyID, storyChange{
		set: func(st *parley.Story) bool {
			changed := st.Status != status
			st.Status = status
			return changed
		},
		then: func(tx parley.Tx, before parley.Story) error {
			e = &parley.AuditEntry{SiteID: siteID, Action: action, StoryID: storyID, ActorID: a.User.ID,
				Before: before.Status, After: status, CreatedAt: s.now()}
			return appendAudit(ctx, tx, e)
		},
	})
	if err != nil || !changed {
		return nil, err
	}
	s.publishEvent(ctx, parley.Event{Type: parley.EventQueueChanged, SiteID: siteID, StoryID: storyID})
	return e, nil
}

// DefaultAuditPage is the page size of Audit when q.Limit is 0.
const DefaultAuditPage = 50

// Audit returns a page of a site's audit log, newest first, filtered by q.
func (s *Service) Audit(ctx context.Context, q parley.AuditQuery) ([]*parley.AuditEntry, error) {
	if err := s.checkAudit(ctx, &q); err != nil {
		return nil, err
	}
	entries, err := s.store.Audit(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return entries, nil
}

// checkAudit authorizes a read of the audit log and checks its filters,
// setting the default page size.
func (s *Service) checkAudit(ctx context.Context, q *parley.AuditQuery) error {
	if _, err := s.staffSite(ctx, q.SiteID, actAudit); err != nil {
		return err
	}
	for _, f := range []string{q.StoryID, q.CommentID, q.UserID, q.ActorID, q.Action} {
		if !validAuditFilter(f) {
			return parley.Errorf(parley.EINVALID, "An audit filter is an ID of at most 128 letters, digits and ._:-.")
		}
	}
	text, err := cleanText(q.Text, "search text", false)
	if err != nil {
		return err
	}
	q.Text = text
	switch {
	case q.Limit == 0:
		q.Limit = DefaultAuditPage
	case q.Limit < 0 || q.Limit > parley.MaxAuditPage:
		return parley.Errorf(parley.EINVALID, "A page of the audit log holds 1 to %d entries.", parley.MaxAuditPage)
	case q.BeforeID < 0:
		return parley.Errorf(parley.EINVALID, "The cursor is not one this server gave.").Keyed("cursorInvalid")
	}
	return nil
}

// validAuditFilter accepts "" and the IDs, story IDs and actions the log
// holds.
func validAuditFilter(s string) bool { return s == "" || parley.ValidID(s) }

// auditColumns are the columns of the CSV export, in order.
var auditColumns = []string{"id", "created_at", "action", "actor_id", "automated", "user_id", "story_id", "comment_id",
	"reason", "note", "before", "after", "ref"}

// WriteAuditCSV writes every entry of q's filters (all pages, newest
// first, from q.BeforeID) to w as CSV with a header row. Cells are made
// safe for spreadsheets: one that starts with =, +, -, @, a tab or a
// carriage return gets a ' in front, so that a note such as
// "=HYPERLINK(…)" is shown as text, never run as a formula.
func (s *Service) WriteAuditCSV(ctx context.Context, w io.Writer, q parley.AuditQuery) error {
	q.Limit = parley.MaxAuditPage
	if err := s.checkAudit(ctx, &q); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(auditColumns); err != nil {
		return err
	}
	for {
		page, err := s.store.Audit(ctx, q)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		for _, e := range page {
			if err := cw.Write(auditRecord(e)); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(page) < q.Limit {
			return nil
		}
		q.BeforeID = page[len(page)-1].ID
	}
}

// auditRecord is one entry as a CSV row.
func auditRecord(e *parley.AuditEntry) []string {
	row := []string{strconv.FormatInt(e.ID, 10), e.CreatedAt.UTC().Format(time.RFC3339Nano), e.Action, e.ActorID,
		strconv.FormatBool(e.Automated), e.UserID, e.StoryID, e.CommentID, e.Reason, e.Note, e.Before, e.After, e.Ref}
	for i, cell := range row {
		row[i] = safeCell(cell)
	}
	return row
}

// safeCell defuses a cell that a spreadsheet would read as a formula.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
