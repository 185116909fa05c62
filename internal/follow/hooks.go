package follow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"parley"
	"parley/internal/wire"
)

// hook is one event as the webhooks of a site are told of it.
type hook struct {
	event   string
	key     string // what it tells of, for idempotence and the payload's id
	site    string
	at      time.Time
	comment *parley.Comment
	story   *parley.Story
	user    *parley.User
	entry   *parley.AuditEntry
}

// Payload is the JSON body of a delivery. Comment, story and user are as
// the public API shows them: nothing personal (no e-mail, no address
// hash), and never a secret.
type Payload struct {
	Event    string        `json:"event"`
	ID       string        `json:"id"` // the same for every endpoint and attempt: receivers deduplicate by it
	Created  string        `json:"created"`
	Site     string        `json:"site"`
	Comment  *wire.Comment `json:"comment,omitempty"`
	Story    *wire.Story   `json:"story,omitempty"`
	User     *wire.Author  `json:"user,omitempty"`
	Decision *Decision     `json:"decision,omitempty"`
}

// Decision is what an audit entry says of a moderation action.
type Decision struct {
	Reason    string `json:"reason,omitempty"`
	Note      string `json:"note,omitempty"`
	Automated bool   `json:"automated"`
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	Reference string `json:"reference,omitempty"` // a notice's or complaint's
}

// auditHooks derives the webhooks of an audit entry whose action is a
// webhook event.
func (d *Deriver) auditHooks(ctx context.Context, tx parley.Tx, e *parley.AuditEntry) error {
	if !parley.ValidWebhookEvent(e.Action) {
		return nil
	}
	h := hook{event: e.Action, key: "audit-" + strconv.FormatInt(e.ID, 10), site: e.SiteID, at: e.CreatedAt, entry: e}
	var err error
	if e.CommentID != "" {
		if h.comment, err = optional(tx.Comment(ctx, e.CommentID)); err != nil {
			return fmt.Errorf("comment: %w", err)
		}
	}
	if e.StoryID != "" && e.CommentID == "" {
		if h.story, err = optional(tx.Story(ctx, e.SiteID, e.StoryID)); err != nil {
			return fmt.Errorf("story: %w", err)
		}
	}
	if e.UserID != "" && e.CommentID == "" {
		if h.user, err = optional(tx.User(ctx, e.UserID)); err != nil {
			return fmt.Errorf("user: %w", err)
		}
	}
	return d.hooks(ctx, tx, h)
}

// optional turns ENOTFOUND into nil: an entry may outlive what it names.
func optional[T any](v *T, err error) (*T, error) {
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// hooks enqueues a delivery of h to every endpoint of its site that wants
// its event, with the payload fixed now.
func (d *Deriver) hooks(ctx context.Context, tx parley.Tx, h hook) error {
	ws, err := tx.SiteWebhooks(ctx, h.site)
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	var body []byte
	for _, w := range ws {
		if !w.Wants(h.event) {
			continue
		}
		if body == nil {
			if body, err = json.Marshal(payload(h)); err != nil {
				return fmt.Errorf("payload: %w", err)
			}
		}
		dl := &parley.WebhookDelivery{ID: parley.NewID(h.at), WebhookID: w.ID, SiteID: h.site, Event: h.event, Key: h.key,
			Payload: body, State: parley.DeliveryPending, NextAt: h.at, CreatedAt: h.at}
		if _, err := tx.EnqueueDelivery(ctx, dl); err != nil {
			return fmt.Errorf("delivery: %w", err)
		}
	}
	return nil
}

func payload(h hook) *Payload {
	p := &Payload{Event: h.event, ID: h.key, Created: wire.FormatTime(h.at), Site: h.site}
	if h.comment != nil {
		p.Comment = wire.FromComment(h.comment)
	}
	if h.story != nil {
		s := wire.FromStory(h.story)
		p.Story = &s
	}
	if h.user != nil {
		p.User = &wire.Author{ID: h.user.ID, Name: h.user.Name, Badges: h.user.Badges}
		if r := h.user.UserRole(); r.Staff() {
			p.User.Role = r.String()
		}
		if h.user.Name == "" {
			p.User = &wire.Author{Deleted: true}
		}
	}
	if e := h.entry; e != nil {
		p.Decision = &Decision{Reason: e.Reason, Note: e.Note, Automated: e.Automated, Before: e.Before, After: e.After, Reference: e.Ref}
	}
	return p
}
