package service

import (
	"context"
	"fmt"
	"strings"

	"parley"
	"parley/internal/dsa"
)

// Default and largest page of Inbox, and the most IDs one MarkInboxRead
// names.
const (
	defaultInboxPage = 20
	maxInboxRead     = parley.MaxInboxPage
)

// InboxEntry is one inbox item with what a reader needs to read it: the
// story and comment it names (nil when gone), and for a decision that owes
// one its statement of reasons and whether it may still be contested.
type InboxEntry struct {
	Item        *parley.InboxItem
	Story       *parley.Story
	Comment     *parley.Comment
	Statement   *dsa.Statement
	Contestable bool
}

// InboxPage is a page of the caller's inbox.
type InboxPage struct {
	Entries    []InboxEntry
	Unread     int
	NextCursor string
}

// inbox authorizes the caller to read their own inbox on siteID: signed
// in, or holding their commenter token (EUNAUTHORIZED, key
// identityRequired, otherwise).
func (s *Service) inbox(ctx context.Context, siteID string) (*parley.Actor, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return authorize(ctx, site, actInbox, nil)
}

// Inbox returns a page of the caller's notifications on siteID, newest
// first, with their unread count. The cursor is the last item's ID.
func (s *Service) Inbox(ctx context.Context, siteID, cursor string, limit int) (*InboxPage, error) {
	a, err := s.inbox(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if cursor != "" && !parley.ValidCommentID(cursor) {
		return nil, parley.Errorf(parley.EINVALID, "The cursor is not valid.").Keyed("badCursor")
	}
	if limit < 1 {
		limit = defaultInboxPage
	}
	limit = min(limit, parley.MaxInboxPage-1) // one more is read, to know of a next page
	items, err := s.store.InboxItems(ctx, a.User.ID, cursor, limit+1)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	page := &InboxPage{}
	if len(items) > limit {
		items, page.NextCursor = items[:limit], items[limit-1].ID
	}
	if page.Unread, err = s.store.UnreadInbox(ctx, a.User.ID); err != nil {
		return nil, fmt.Errorf("inbox unread: %w", err)
	}
	stories := map[string]*parley.Story{}
	for _, it := range items {
		e, err := s.inboxEntry(ctx, it, stories)
		if err != nil {
			return nil, err
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}

// inboxEntry reads what item names.
func (s *Service) inboxEntry(ctx context.Context, it *parley.InboxItem, stories map[string]*parley.Story) (InboxEntry, error) {
	e := InboxEntry{Item: it}
	var err error
	if it.StoryID != "" {
		st, ok := stories[it.StoryID]
		if !ok {
			if st, err = gone(s.store.Story(ctx, it.SiteID, it.StoryID)); err != nil {
				return e, fmt.Errorf("inbox story: %w", err)
			}
			stories[it.StoryID] = st
		}
		e.Story = st
	}
	if it.CommentID != "" {
		if e.Comment, err = gone(s.store.Comment(ctx, it.CommentID)); err != nil {
			return e, fmt.Errorf("inbox comment: %w", err)
		}
	}
	if it.EntryID != 0 {
		if err := s.statement(ctx, &e); err != nil {
			return e, err
		}
	}
	return e, nil
}

// statement adds the statement of reasons of the decision an item tells
// of, when it owes one (dsa.StatementOf), and whether its subject may
// still contest it.
func (s *Service) statement(ctx context.Context, e *InboxEntry) error {
	switch e.Item.Kind {
	case parley.InboxRejected, parley.InboxWarned, parley.InboxSuspended, parley.InboxBanned:
	default:
		return nil
	}
	entries, err := s.store.AuditAfter(ctx, e.Item.EntryID-1, nil, 1)
	if err != nil {
		return fmt.Errorf("inbox decision: %w", err)
	}
	if len(entries) == 0 || entries[0].ID != e.Item.EntryID {
		return nil
	}
	entry := entries[0]
	var n *parley.Notice
	if strings.HasPrefix(entry.Ref, "N-") {
		if n, err = gone(s.store.Notice(ctx, entry.SiteID, entry.Ref)); err != nil {
			return fmt.Errorf("inbox notice: %w", err)
		}
	}
	st := dsa.StatementOf(entry, n)
	if st.Decision == "" {
		return nil
	}
	e.Statement = &st
	e.Contestable = dsa.Contestable(entry, n) && s.now().Before(st.ContestUntil)
	return nil
}

// gone turns ENOTFOUND into nil: an item may outlive what it names.
func gone[T any](v *T, err error) (*T, error) {
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// InboxUnread returns how many of the caller's notifications on siteID are
// unread, up to parley.MaxUnread: the bell's count, one indexed count.
func (s *Service) InboxUnread(ctx context.Context, siteID string) (int, error) {
	a, err := s.inbox(ctx, siteID)
	if err != nil {
		return 0, err
	}
	n, err := s.store.UnreadInbox(ctx, a.User.ID)
	if err != nil {
		return 0, fmt.Errorf("inbox unread: %w", err)
	}
	return n, nil
}

// MarkInboxRead marks the caller's notifications with the given IDs read,
// or all of them, and returns the unread count after. IDs that are not
// the caller's change nothing; more than parley.MaxInboxPage IDs, or one
// that is not an ID, is EINVALID (key badRequest).
func (s *Service) MarkInboxRead(ctx context.Context, siteID string, ids []string, all bool) (int, error) {
	a, err := s.inbox(ctx, siteID)
	if err != nil {
		return 0, err
	}
	switch {
	case all && len(ids) > 0, !all && len(ids) == 0:
		return 0, parley.Errorf(parley.EINVALID, "Name the notifications to mark read, or all of them.").Keyed("badRequest")
	case len(ids) > maxInboxRead:
		return 0, parley.Errorf(parley.EINVALID, "Mark at most %d notifications read at once.", maxInboxRead).Keyed("badRequest")
	}
	for _, id := range ids {
		if !parley.ValidCommentID(id) {
			return 0, parley.Errorf(parley.EINVALID, "A notification ID is not valid.").Keyed("badRequest")
		}
	}
	if all {
		ids = nil
	}
	if _, err := s.store.MarkInboxRead(ctx, a.User.ID, ids); err != nil {
		return 0, fmt.Errorf("mark inbox read: %w", err)
	}
	return s.InboxUnread(ctx, siteID)
}
