package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parley"
)

const (
	webhookColumns  = `id, site_id, url, events, secrets, created_at`
	deliveryColumns = `id, webhook_id, site_id, event, key, payload, state, attempts, next_at, last_status, last_error, created_at`
)

// CreateWebhook stores w.
func (t *unit) CreateWebhook(ctx context.Context, w *parley.Webhook) error {
	t.memo.forgetWebhooks()
	events, secrets, err := encodeWebhook(w)
	if err != nil {
		return err
	}
	_, err = t.db.Exec(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.SiteID, w.URL, events, secrets, w.CreatedAt)
	return translate(err, "webhook")
}

// UpdateWebhook replaces an endpoint's URL, events and secrets.
func (t *unit) UpdateWebhook(ctx context.Context, w *parley.Webhook) error {
	t.memo.forgetWebhooks()
	events, secrets, err := encodeWebhook(w)
	if err != nil {
		return err
	}
	tag, err := t.db.Exec(ctx, `UPDATE webhooks SET url = $1, events = $2, secrets = $3 WHERE id = $4 AND site_id = $5`,
		w.URL, events, secrets, w.ID, w.SiteID)
	return oneRow(tag, err, "webhook")
}

// DeleteWebhook removes an endpoint; its deliveries and their attempts go
// by ON DELETE CASCADE.
func (t *unit) DeleteWebhook(ctx context.Context, siteID, id string) error {
	t.memo.forgetWebhooks()
	tag, err := t.db.Exec(ctx, `DELETE FROM webhooks WHERE id = $1 AND site_id = $2`, id, siteID)
	return oneRow(tag, err, "webhook")
}

// Webhook returns one endpoint of a site.
func (t *unit) Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND site_id = $2`, id, siteID)
	w, err := pgx.CollectExactlyOneRow(rows, scanWebhook)
	if err != nil {
		return nil, translate(err, "webhook")
	}
	return w, nil
}

// SiteWebhooks returns a site's endpoints, oldest first; in a unit of work
// it reads them once (memo.go).
func (t *unit) SiteWebhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	if t.memo != nil {
		return t.memo.siteWebhooks(ctx, siteID, t.readSiteWebhooks)
	}
	return t.readSiteWebhooks(ctx, siteID)
}

func (t *unit) readSiteWebhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE site_id = $1 ORDER BY created_at, id`, siteID)
	ws, err := pgx.CollectRows(rows, scanWebhook)
	return ws, translate(err, "webhook")
}

// EnqueueDelivery stores d as pending unless its endpoint has one with its
// key (webhook_deliveries_once).
func (t *unit) EnqueueDelivery(ctx context.Context, d *parley.WebhookDelivery) (bool, error) {
	tag, err := t.db.Exec(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, site_id, event, key, payload, state, next_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) ON CONFLICT (webhook_id, key) DO NOTHING`,
		d.ID, d.WebhookID, d.SiteID, d.Event, d.Key, string(d.Payload), d.NextAt, d.CreatedAt)
	if err != nil {
		return false, translate(err, "delivery")
	}
	return tag.RowsAffected() == 1, nil
}

// Redeliver makes a delivery of the site pending again; a lease still
// held stays, so a redelivery never runs beside an attempt.
func (t *unit) Redeliver(ctx context.Context, siteID, deliveryID string, at time.Time) error {
	tag, err := t.db.Exec(ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = $1
		WHERE id = $2 AND site_id = $3`, at, deliveryID, siteID)
	return oneRow(tag, err, "delivery")
}

// claimDeliveriesSQL leases due deliveries in one statement; FOR UPDATE
// SKIP LOCKED passes over the rows another relay is claiming, as the
// outbox's claim does.
const claimDeliveriesSQL = `UPDATE webhook_deliveries
	SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (SELECT id FROM webhook_deliveries
		WHERE state = 'pending' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
		ORDER BY next_at, id LIMIT $4
		FOR UPDATE SKIP LOCKED)
	RETURNING ` + deliveryColumns

// ClaimDeliveries leases due deliveries to owner; see parley.DeliveryQueue.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*parley.WebhookDelivery, error) {
	rows, _ := s.pool.Query(ctx, claimDeliveriesSQL, owner, now.Add(lease), now, limit)
	out, err := pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return nil, translate(err, "delivery")
	}
	parley.SortDeliveries(out)
	return out, nil
}

// FinishAttempt records an attempt and the delivery's next state in one
// transaction; see parley.DeliveryQueue.
func (s *Store) FinishAttempt(ctx context.Context, owner string, a *parley.WebhookAttempt, state string, next time.Time) error {
	return translate(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = $1, next_at = $2, lease_owner = '', lease_until = NULL,
			last_status = $3, last_error = $4 WHERE id = $5 AND lease_owner = $6`,
			state, next, a.Status, a.Error, a.DeliveryID, owner)
		if err := oneRow(tag, err, "delivery"); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, at, status, latency_ms, error)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, a.DeliveryID, a.Attempt, a.At, a.Status, a.Latency.Milliseconds(), a.Error)
		return err
	}), "delivery")
}

// Deliveries pages an endpoint's deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, webhookID, before string, limit int) ([]*parley.WebhookDelivery, error) {
	if limit < 1 || limit > parley.MaxDeliveryPage {
		return nil, parley.Errorf(parley.EINVALID, "A page holds 1 to %d deliveries.", parley.MaxDeliveryPage)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE webhook_id = $1 AND ($2 = '' OR id < $2)
		ORDER BY id DESC LIMIT $3`, webhookID, before, limit)
	out, err := pgx.CollectRows(rows, scanDelivery)
	return out, translate(err, "delivery")
}

// DeliveryAttempts returns a delivery's attempts in order.
func (s *Store) DeliveryAttempts(ctx context.Context, deliveryID string) ([]*parley.WebhookAttempt, error) {
	rows, _ := s.pool.Query(ctx, `SELECT delivery_id, attempt, at, status, latency_ms, error
		FROM webhook_attempts WHERE delivery_id = $1 ORDER BY at, attempt`, deliveryID)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parley.WebhookAttempt, error) {
		a := &parley.WebhookAttempt{}
		var latency int64
		err := row.Scan(&a.DeliveryID, &a.Attempt, &a.At, &a.Status, &latency, &a.Error)
		a.At, a.Latency = a.At.UTC(), time.Duration(latency)*time.Millisecond
		return a, err
	})
	return out, translate(err, "attempt")
}

// PurgeDeliveries deletes old finished deliveries; their attempts go by
// ON DELETE CASCADE.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1`, before)
	if err != nil {
		return 0, translate(err, "delivery")
	}
	return int(tag.RowsAffected()), nil
}

// oneRow returns a statement's error, or ENOTFOUND when it changed no row.
func oneRow(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() == 0 {
		return parley.Errorf(parley.ENOTFOUND, "The %s does not exist.", what)
	}
	return nil
}

func encodeWebhook(w *parley.Webhook) (events, secrets string, err error) {
	e, err := json.Marshal(w.Events)
	if err != nil {
		return "", "", fmt.Errorf("postgres: encode webhook events: %w", err)
	}
	s, err := json.Marshal(w.Secrets)
	if err != nil {
		return "", "", fmt.Errorf("postgres: encode webhook secrets: %w", err)
	}
	return string(e), string(s), nil
}

func scanWebhook(row pgx.CollectableRow) (*parley.Webhook, error) {
	w := &parley.Webhook{}
	var events, secrets string
	if err := row.Scan(&w.ID, &w.SiteID, &w.URL, &events, &secrets, &w.CreatedAt); err != nil {
		return nil, err
	}
	w.CreatedAt = w.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, fmt.Errorf("postgres: webhook %s events: %w", w.ID, err)
	}
	if err := json.Unmarshal([]byte(secrets), &w.Secrets); err != nil {
		return nil, fmt.Errorf("postgres: webhook %s secrets: %w", w.ID, err)
	}
	for i := range w.Secrets {
		w.Secrets[i].CreatedAt = w.Secrets[i].CreatedAt.UTC()
	}
	return w, nil
}

func scanDelivery(row pgx.CollectableRow) (*parley.WebhookDelivery, error) {
	d := &parley.WebhookDelivery{}
	var payload string
	err := row.Scan(&d.ID, &d.WebhookID, &d.SiteID, &d.Event, &d.Key, &payload, &d.State, &d.Attempts, &d.NextAt,
		&d.LastStatus, &d.LastError, &d.CreatedAt)
	d.Payload, d.NextAt, d.CreatedAt = []byte(payload), d.NextAt.UTC(), d.CreatedAt.UTC()
	return d, err
}
