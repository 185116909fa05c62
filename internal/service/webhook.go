package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"parley"
)

// WithWebhookPrivate lets webhook endpoints use plain http and private,
// loopback and link-local addresses (parley serve --webhook-allow-private):
// for tests and a local development setup only.
func WithWebhookPrivate(allow bool) Option {
	return func(s *Service) { s.webhookPrivate = allow }
}

// MaxWebhooks bounds the endpoints of one site: each costs a delivery per
// event it wants.
const MaxWebhooks = 20

// webhookSite authorizes the caller to manage the webhooks of siteID: an
// admin of the site, or the operator.
func (s *Service) webhookSite(ctx context.Context, siteID string) (*parley.Site, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actWebhooks, nil); err != nil {
		return nil, err
	}
	return site, nil
}

// Webhooks returns the endpoints of siteID, oldest first.
func (s *Service) Webhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return nil, err
	}
	ws, err := s.store.SiteWebhooks(ctx, siteID)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return ws, nil
}

// Webhook returns one endpoint of siteID; ENOTFOUND.
func (s *Service) Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error) {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return nil, err
	}
	return s.webhook(ctx, siteID, id)
}

func (s *Service) webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error) {
	if !parley.ValidCommentID(id) {
		return nil, parley.Errorf(parley.ENOTFOUND, "No such webhook.")
	}
	w, err := s.store.Webhook(ctx, siteID, id)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return w, nil
}

// AddWebhook adds an endpoint to siteID that receives events (a subset of
// parley.WebhookEvents; none or an unknown one is EINVALID, key
// webhookEvents), and returns it with its first secret, whose value is
// shown this once. A URL that is not https or points inside the network
// is EINVALID, key webhookURL (see parley.CheckWebhookURL); a site with
// MaxWebhooks endpoints already is ECONFLICT, key webhookLimit.
func (s *Service) AddWebhook(ctx context.Context, siteID, url string, events []string) (*parley.Webhook, error) {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return nil, err
	}
	u, err := parley.CheckWebhookURL(url, s.webhookPrivate)
	if err != nil {
		return nil, err
	}
	if events, err = cleanEvents(events); err != nil {
		return nil, err
	}
	now := s.now()
	w := &parley.Webhook{ID: parley.NewID(now), SiteID: siteID, URL: u.String(), Events: events,
		Secrets: []parley.WebhookSecret{newSecret(now)}, CreatedAt: now}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		ws, err := tx.SiteWebhooks(ctx, siteID)
		if err != nil {
			return err
		}
		if len(ws) >= MaxWebhooks {
			return parley.Errorf(parley.ECONFLICT, "A site has at most %d webhooks.", MaxWebhooks).Keyed("webhookLimit")
		}
		return tx.CreateWebhook(ctx, w)
	})
	if err != nil {
		return nil, fmt.Errorf("add webhook: %w", err)
	}
	return w, nil
}

// cleanEvents checks a list of events and returns it without repeats, in
// the order of parley.WebhookEvents.
func cleanEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "Name at least one event.").Keyed("webhookEvents")
	}
	for _, e := range events {
		if !parley.ValidWebhookEvent(e) {
			return nil, parley.Errorf(parley.EINVALID, "There is no webhook event of that name.").Keyed("webhookEvents")
		}
	}
	var out []string
	for _, e := range parley.WebhookEvents() {
		if slices.Contains(events, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// newSecret makes a signing secret: 32 random bytes in hex, behind a
// prefix that says what it is when it turns up in a log or a repository.
func newSecret(now time.Time) parley.WebhookSecret {
	var b [32]byte
	rand.Read(b[:])
	return parley.WebhookSecret{ID: parley.NewID(now), Value: "whsec_" + hex.EncodeToString(b[:]), CreatedAt: now}
}

// RemoveWebhook removes an endpoint of siteID with its delivery log.
func (s *Service) RemoveWebhook(ctx context.Context, siteID, id string) error {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return err
	}
	if !parley.ValidCommentID(id) {
		return parley.Errorf(parley.ENOTFOUND, "No such webhook.")
	}
	if err := s.store.DeleteWebhook(ctx, siteID, id); err != nil {
		return fmt.Errorf("remove webhook: %w", err)
	}
	return nil
}

// RotateWebhook adds a new secret to an endpoint, beside the ones it has
// (deliveries are signed with each, so the receiver may switch when it
// likes), or with finish drops every secret but the newest, ending the
// rotation. A new secret beyond parley.MaxWebhookSecrets drops the
// oldest. It returns the endpoint; a new secret is its last.
func (s *Service) RotateWebhook(ctx context.Context, siteID, id string, finish bool) (*parley.Webhook, error) {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return nil, err
	}
	if !parley.ValidCommentID(id) {
		return nil, parley.Errorf(parley.ENOTFOUND, "No such webhook.")
	}
	var w *parley.Webhook
	err := s.store.Update(ctx, func(tx parley.Tx) error {
		var err error
		if w, err = tx.Webhook(ctx, siteID, id); err != nil {
			return err
		}
		if finish {
			w.Secrets = w.Secrets[max(0, len(w.Secrets)-1):]
		} else {
			w.Secrets = append(w.Secrets, newSecret(s.now()))
			w.Secrets = w.Secrets[max(0, len(w.Secrets)-parley.MaxWebhookSecrets):]
		}
		return tx.UpdateWebhook(ctx, w)
	})
	if err != nil {
		return nil, fmt.Errorf("rotate webhook: %w", err)
	}
	return w, nil
}

// DeliveryLog is one delivery with its attempts.
type DeliveryLog struct {
	Delivery *parley.WebhookDelivery
	Attempts []*parley.WebhookAttempt
}

// Deliveries returns a page of an endpoint's deliveries, newest first, each
// with its attempts, and the cursor of the next page.
func (s *Service) Deliveries(ctx context.Context, siteID, id, cursor string, limit int) ([]DeliveryLog, string, error) {
	if _, err := s.Webhook(ctx, siteID, id); err != nil {
		return nil, "", err
	}
	if cursor != "" && !parley.ValidCommentID(cursor) {
		return nil, "", parley.Errorf(parley.EINVALID, "The cursor is not valid.").Keyed("badCursor")
	}
	if limit < 1 {
		limit = 20
	}
	limit = min(limit, parley.MaxDeliveryPage-1) // one more is read, to know of a next page
	ds, err := s.store.Deliveries(ctx, id, cursor, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("deliveries: %w", err)
	}
	next := ""
	if len(ds) > limit {
		ds, next = ds[:limit], ds[limit-1].ID
	}
	out := make([]DeliveryLog, len(ds))
	for i, d := range ds {
		as, err := s.store.DeliveryAttempts(ctx, d.ID)
		if err != nil {
			return nil, "", fmt.Errorf("delivery attempts: %w", err)
		}
		out[i] = DeliveryLog{Delivery: d, Attempts: as}
	}
	return out, next, nil
}

// Redeliver sends a delivery of siteID again, now, with the same body and
// its attempts counted anew.
func (s *Service) Redeliver(ctx context.Context, siteID, deliveryID string) error {
	if _, err := s.webhookSite(ctx, siteID); err != nil {
		return err
	}
	if !parley.ValidCommentID(deliveryID) {
		return parley.Errorf(parley.ENOTFOUND, "No such delivery.")
	}
	if err := s.store.Redeliver(ctx, siteID, deliveryID, s.now()); err != nil {
		return fmt.Errorf("redeliver: %w", err)
	}
	return nil
}
