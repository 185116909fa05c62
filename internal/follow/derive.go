package follow

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parley"
)

// Deriver decides what an entry of either log calls for: the inbox items
// of the readers it concerns and the deliveries of the site's webhooks
// that subscribed to its event. It reads what it needs through the unit,
// so that it sees the comment, its parent and its author as they are when
// the unit commits.
type Deriver struct{}

// Event derives the work of one event of the event log: replies to a
// reader, and the comment.created, .edited and .deleted webhooks.
func (d *Deriver) Event(ctx context.Context, tx parley.Tx, ev *parley.StoredEvent) error {
	switch ev.Type {
	case parley.EventCommentCreated, parley.EventCommentEdited, parley.EventCommentDeleted:
	default:
		return nil // reactions and story changes tell nobody anything
	}
	c, err := tx.Comment(ctx, ev.CommentID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	switch ev.Type {
	case parley.EventCommentCreated:
		return d.created(ctx, tx, ev, c)
	case parley.EventCommentEdited:
		if c.Status == parley.StatusDeleted {
			return nil
		}
		return d.hooks(ctx, tx, hook{event: parley.HookCommentEdited, key: "event-" + strconv.FormatInt(ev.ID, 10),
			site: ev.SiteID, at: ev.CreatedAt, comment: c})
	}
	if c.Status != parley.StatusDeleted {
		return nil // it left the thread by a decision, which the audit log tells
	}
	return d.hooks(ctx, tx, hook{event: parley.HookCommentDeleted, key: "comment.deleted-" + c.ID,
		site: ev.SiteID, at: ev.CreatedAt, comment: c})
}

// created derives a comment.created event. The log appends one when a
// comment is written, whatever its status, and again when it enters the
// public thread (approved after it was held, a placeholder that a reply
// brings back); the webhook tells of the comment once, and its parent's
// author hears of it once it is shown.
func (d *Deriver) created(ctx context.Context, tx parley.Tx, ev *parley.StoredEvent, c *parley.Comment) error {
	if c.Status == parley.StatusDeleted {
		return nil // a placeholder coming back is no news
	}
	// The author is read only when a webhook or an inbox item shows them:
	// most comments are top-level on sites without endpoints, and each
	// read is one more statement in the SQLite writer's turn.
	var author *parley.User
	authorOf := func() (*parley.User, error) {
		if author != nil {
			return author, nil
		}
		u, err := tx.User(ctx, c.AuthorID)
		if err != nil {
			return nil, fmt.Errorf("author: %w", err)
		}
		author = u
		return u, nil
	}
	if hooked, err := wanted(ctx, tx, ev.SiteID, parley.HookCommentCreated); err != nil {
		return err
	} else if hooked {
		u, err := authorOf()
		if err != nil {
			return err
		}
		c.Author = parley.Standing{Role: staffRole(u.UserRole()), Badges: u.Badges}
		if err := d.hooks(ctx, tx, hook{event: parley.HookCommentCreated, key: "comment.created-" + c.ID,
			site: ev.SiteID, at: ev.CreatedAt, comment: c}); err != nil {
			return err
		}
	}
	if c.Status != parley.StatusApproved || c.ParentID == "" {
		return nil
	}
	parent, err := tx.Comment(ctx, c.ParentID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("parent: %w", err)
	}
	if parent.AuthorID == "" || parent.AuthorID == c.AuthorID || parent.Status == parley.StatusDeleted || parent.AuthorErased() {
		return nil
	}
	u, err := authorOf()
	if err != nil {
		return err
	}
	kind := parley.InboxReply
	if u.UserRole().Staff() {
		kind = parley.InboxStaffReply
	}
	_, err = add(ctx, tx, &parley.InboxItem{ID: parley.NewID(ev.CreatedAt), UserID: parent.AuthorID, SiteID: c.SiteID,
		Kind: kind, StoryID: c.StoryID, CommentID: c.ID, CreatedAt: ev.CreatedAt})
	return err
}

// wanted reports whether an endpoint of the site subscribed to event.
func wanted(ctx context.Context, tx parley.Tx, siteID, event string) (bool, error) {
	ws, err := tx.SiteWebhooks(ctx, siteID)
	if err != nil {
		return false, fmt.Errorf("webhooks: %w", err)
	}
	return slices.ContainsFunc(ws, func(w *parley.Webhook) bool { return w.Wants(event) }), nil
}

// heldReply queues the reply mail of a reply that was held back and is
// now approved: the post queued none (its reply was not shown then), and
// the parent's author, if they opted in, hears of it with their other
// replies (internal/notify batches them).
func (d *Deriver) heldReply(ctx context.Context, tx parley.Tx, e *parley.AuditEntry) error {
	c, err := optional(tx.Comment(ctx, e.CommentID))
	if err != nil || c == nil || c.ParentID == "" || c.Status != parley.StatusApproved {
		return err
	}
	parent, err := optional(tx.Comment(ctx, c.ParentID))
	if err != nil || parent == nil || parent.AuthorID == "" || parent.AuthorID == c.AuthorID {
		return err
	}
	n := &parley.ReplyNotification{ID: parley.NewID(e.CreatedAt), SiteID: c.SiteID, UserID: parent.AuthorID,
		StoryID: c.StoryID, CommentID: c.ID, CreatedAt: e.CreatedAt}
	if _, err := tx.AddReplyNotification(ctx, n); err != nil {
		return fmt.Errorf("reply notification: %w", err)
	}
	return nil
}

// staffRole is the role a comment's author shows: none for commenters.
func staffRole(r parley.Role) parley.Role {
	if r.Staff() {
		return r
	}
	return parley.RoleNone
}

// Audit derives the work of one audit entry: the inbox item of the reader
// it decided about, and the webhooks of its action.
func (d *Deriver) Audit(ctx context.Context, tx parley.Tx, e *parley.AuditEntry) error {
	if err := d.auditHooks(ctx, tx, e); err != nil {
		return err
	}
	if e.Action == parley.AuditApproved && e.Before == parley.StatusPending {
		if err := d.heldReply(ctx, tx, e); err != nil {
			return err
		}
	}
	kind := inboxKind(e)
	if kind == "" || e.UserID == "" || e.UserID == e.ActorID {
		return nil // nobody to tell, or they did it themselves
	}
	it := &parley.InboxItem{ID: parley.NewID(e.CreatedAt), UserID: e.UserID, SiteID: e.SiteID, Kind: kind,
		StoryID: e.StoryID, CommentID: e.CommentID, EntryID: e.ID, Reason: e.Reason, Note: e.Note, CreatedAt: e.CreatedAt}
	if kind == parley.InboxSuspended {
		it.Until = until(e.After)
	}
	added, err := add(ctx, tx, it)
	if err != nil || !added {
		return err
	}
	return decisionMail(ctx, tx, it)
}

// decisionMail queues the mail of a decision that just entered its
// reader's inbox, in the same unit: the store keeps it only if they opted
// in to decisions (Tx.AddReplyNotification), and internal/notify batches
// it with their other decisions. An item that was there already (a
// cursor reset by hand) queues nothing, so no decision is mailed twice.
func decisionMail(ctx context.Context, tx parley.Tx, it *parley.InboxItem) error {
	n := &parley.ReplyNotification{ID: parley.NewID(it.CreatedAt), SiteID: it.SiteID, UserID: it.UserID,
		CommentID: it.CommentID, Kind: it.Kind, EntryID: it.EntryID, CreatedAt: it.CreatedAt}
	if _, err := tx.AddReplyNotification(ctx, n); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return fmt.Errorf("decision mail: %w", err)
	}
	return nil
}

// inboxKind is the inbox item an audit entry makes for its subject, ""
// for none. An approval is news only to a comment that was held back:
// approving a published comment again (an undo, a bulk action) is not.
func inboxKind(e *parley.AuditEntry) string {
	switch e.Action {
	case parley.AuditApproved:
		if e.Before == parley.StatusPending {
			return parley.InboxApproved
		}
	case parley.AuditRejected:
		return parley.InboxRejected
	case parley.AuditFeatured:
		return parley.InboxFeatured
	case parley.AuditWarned:
		return parley.InboxWarned
	case parley.AuditSuspended:
		return parley.InboxSuspended
	case parley.AuditBanned:
		return parley.InboxBanned
	case parley.AuditComplaintDecided:
		return parley.InboxComplaint
	case parley.AuditNoticeDecided:
		return parley.InboxNotice
	}
	return ""
}

// until reads the end of a suspension from an entry's After: an RFC 3339
// time, alone or at the end ("suspended until 2026-12-08T10:00:00Z", as
// the moderators' sanctions write it); zero when there is none.
func until(after string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, after[strings.LastIndexByte(after, ' ')+1:])
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// add stores an inbox item and reports whether it was new; one whose
// reader is gone is no error.
func add(ctx context.Context, tx parley.Tx, it *parley.InboxItem) (bool, error) {
	added, err := tx.AddInboxItem(ctx, it)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return false, fmt.Errorf("inbox item: %w", err)
	}
	return added, nil
}
