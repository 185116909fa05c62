package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"parley"
)

const (
	webhookColumns  = `id, site_id, url, events, secrets, created_at`
	deliveryColumns = `id, webhook_id, site_id, event, key, payload, state, attempts, next_at, last_status, last_error, created_at`
)

// CreateWebhook stores w as a unit of its own.
func (s *Store) CreateWebhook(ctx context.Context, wh *parley.Webhook) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.CreateWebhook(ctx, wh) })
}

// CreateWebhook stores w in the unit.
func (w *unit) CreateWebhook(_ context.Context, wh *parley.Webhook) error {
	events, secrets, err := encodeWebhook(wh)
	if err != nil {
		return err
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		wh.ID, wh.SiteID, wh.URL, events, secrets, millis(wh.CreatedAt))
	return mapError(err, "Webhook", "Site")
}

// UpdateWebhook replaces an endpoint as a unit of its own.
func (s *Store) UpdateWebhook(ctx context.Context, wh *parley.Webhook) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UpdateWebhook(ctx, wh) })
}

// UpdateWebhook replaces an endpoint's URL, events and secrets in the unit.
func (w *unit) UpdateWebhook(_ context.Context, wh *parley.Webhook) error {
	events, secrets, err := encodeWebhook(wh)
	if err != nil {
		return err
	}
	res, err := w.tx.ExecContext(w.ctx, `UPDATE webhooks SET url = ?, events = ?, secrets = ? WHERE id = ? AND site_id = ?`,
		wh.URL, events, secrets, wh.ID, wh.SiteID)
	return oneRow(res, err, "Webhook")
}

// DeleteWebhook removes an endpoint as a unit of its own.
func (s *Store) DeleteWebhook(ctx context.Context, siteID, id string) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.DeleteWebhook(ctx, siteID, id) })
}

// DeleteWebhook removes an endpoint in the unit; its deliveries and their
// attempts go by ON DELETE CASCADE.
func (w *unit) DeleteWebhook(_ context.Context, siteID, id string) error {
	res, err := w.tx.ExecContext(w.ctx, `DELETE FROM webhooks WHERE id = ? AND site_id = ?`, id, siteID)
	return oneRow(res, err, "Webhook")
}

// Webhook returns one endpoint of a site.
func (s *Store) Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error) {
	return scanWebhook(s.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND site_id = ?`, id, siteID))
}

// Webhook returns one endpoint of a site as the unit sees it.
func (w *unit) Webhook(_ context.Context, siteID, id string) (*parley.Webhook, error) {
	return scanWebhook(w.row(w.ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND site_id = ?`, id, siteID))
}

const siteWebhooksQuery = `SELECT ` + webhookColumns + ` FROM webhooks WHERE site_id = ? ORDER BY created_at, id`

// SiteWebhooks returns a site's endpoints, oldest first.
func (s *Store) SiteWebhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	rows, err := s.read.QueryContext(ctx, siteWebhooksQuery, siteID)
	return appendRows(nil, rows, err, scanWebhook, "Webhook", "Site")
}

// SiteWebhooks returns a site's endpoints as the unit sees them.
func (w *unit) SiteWebhooks(_ context.Context, siteID string) ([]*parley.Webhook, error) {
	rows, err := w.tx.tx.QueryContext(w.ctx, siteWebhooksQuery, siteID)
	return appendRows(nil, rows, err, scanWebhook, "Webhook", "Site")
}

// EnqueueDelivery stores d as a unit of its own.
func (s *Store) EnqueueDelivery(ctx context.Context, d *parley.WebhookDelivery) (bool, error) {
	var added bool
	err := s.writeUnit(ctx, func(w *unit) (err error) { added, err = w.EnqueueDelivery(ctx, d); return err })
	return added, err
}

// EnqueueDelivery stores d as pending in the unit, unless its endpoint
// has one with its key (webhook_deliveries_once).
func (w *unit) EnqueueDelivery(_ context.Context, d *parley.WebhookDelivery) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO webhook_deliveries (id, webhook_id, site_id, event, key, payload, state, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (webhook_id, key) DO NOTHING`,
		d.ID, d.WebhookID, d.SiteID, d.Event, d.Key, string(d.Payload), millis(d.NextAt), millis(d.CreatedAt))
	if err != nil {
		return false, mapError(err, "Delivery", "Webhook")
	}
	n, err := res.RowsAffected()
	return n == 1, mapError(err, "Delivery", "Webhook")
}

// Redeliver makes a delivery pending again as a unit of its own.
func (s *Store) Redeliver(ctx context.Context, siteID, deliveryID string, at time.Time) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.Redeliver(ctx, siteID, deliveryID, at) })
}

// Redeliver makes a delivery of the site pending again in the unit; a
// lease still held stays, so a redelivery never runs beside an attempt.
func (w *unit) Redeliver(_ context.Context, siteID, deliveryID string, at time.Time) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ?
		WHERE id = ? AND site_id = ?`, millis(at), deliveryID, siteID)
	return oneRow(res, err, "Delivery")
}

// claimDeliveriesSQL leases due deliveries in one statement; as with the
// outbox, our single writer makes the SELECT and the UPDATE one step.
const claimDeliveriesSQL = `UPDATE webhook_deliveries
	SET lease_owner = ?1, lease_until = ?2, attempts = attempts + 1
	WHERE id IN (SELECT id FROM webhook_deliveries
		WHERE state = 'pending' AND next_at <= ?3 AND lease_until <= ?3
		ORDER BY next_at, id LIMIT ?4)
	RETURNING ` + deliveryColumns

// ClaimDeliveries leases due deliveries to owner; see parley.DeliveryQueue.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*parley.WebhookDelivery, error) {
	var out []*parley.WebhookDelivery
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		rows, err := tx.tx.QueryContext(ctx, claimDeliveriesSQL, owner, millis(now.Add(lease)), millis(now), limit)
		out, err = appendRows(out[:0], rows, err, scanDelivery, "Delivery", "Webhook")
		return err
	})
	parley.SortDeliveries(out)
	return out, err
}

// FinishAttempt records an attempt and the delivery's next state in one
// savepoint; see parley.DeliveryQueue.
func (s *Store) FinishAttempt(ctx context.Context, owner string, a *parley.WebhookAttempt, state string, next time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?, next_at = ?, lease_owner = '', lease_until = 0,
			last_status = ?, last_error = ? WHERE id = ? AND lease_owner = ?`,
			state, millis(next), a.Status, a.Error, a.DeliveryID, owner)
		if err := oneRow(res, err, "Delivery"); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, at, status, latency_ms, error)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.DeliveryID, a.Attempt, millis(a.At), a.Status, a.Latency.Milliseconds(), a.Error)
		return mapError(err, "Attempt", "Delivery")
	})
}

// Deliveries pages an endpoint's deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, webhookID, before string, limit int) ([]*parley.WebhookDelivery, error) {
	if limit < 1 || limit > parley.MaxDeliveryPage {
		return nil, parley.Errorf(parley.EINVALID, "A page holds 1 to %d deliveries.", parley.MaxDeliveryPage)
	}
	query, args := `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE webhook_id = ?`, []any{webhookID}
	if before != "" {
		query, args = query+` AND id < ?`, append(args, before)
	}
	rows, err := s.read.QueryContext(ctx, query+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	return appendRows(nil, rows, err, scanDelivery, "Delivery", "Webhook")
}

// DeliveryAttempts returns a delivery's attempts in order.
func (s *Store) DeliveryAttempts(ctx context.Context, deliveryID string) ([]*parley.WebhookAttempt, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT delivery_id, attempt, at, status, latency_ms, error
		FROM webhook_attempts WHERE delivery_id = ? ORDER BY at, attempt`, deliveryID)
	return appendRows(nil, rows, err, func(row scanner) (*parley.WebhookAttempt, error) {
		a := &parley.WebhookAttempt{}
		var at, latency int64
		err := row.Scan(&a.DeliveryID, &a.Attempt, &at, &a.Status, &latency, &a.Error)
		a.At, a.Latency = fromMillis(at), time.Duration(latency)*time.Millisecond
		return a, err
	}, "Attempt", "Delivery")
}

// PurgeDeliveries deletes old finished deliveries; their attempts go by
// ON DELETE CASCADE.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < ?`, millis(before))
		if err != nil {
			return mapError(err, "Delivery", "Webhook")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func encodeWebhook(wh *parley.Webhook) (events, secrets string, err error) {
	e, err := json.Marshal(wh.Events)
	if err != nil {
		return "", "", fmt.Errorf("sqlite: encode webhook events: %w", err)
	}
	s, err := json.Marshal(wh.Secrets)
	if err != nil {
		return "", "", fmt.Errorf("sqlite: encode webhook secrets: %w", err)
	}
	return string(e), string(s), nil
}

func scanWebhook(row scanner) (*parley.Webhook, error) {
	wh := &parley.Webhook{}
	var events, secrets string
	var created int64
	if err := row.Scan(&wh.ID, &wh.SiteID, &wh.URL, &events, &secrets, &created); err != nil {
		return nil, mapError(err, "Webhook", "Site")
	}
	wh.CreatedAt = fromMillis(created)
	if err := json.Unmarshal([]byte(events), &wh.Events); err != nil {
		return nil, fmt.Errorf("sqlite: webhook %s events: %w", wh.ID, err)
	}
	if err := json.Unmarshal([]byte(secrets), &wh.Secrets); err != nil {
		return nil, fmt.Errorf("sqlite: webhook %s secrets: %w", wh.ID, err)
	}
	return wh, nil
}

func scanDelivery(row scanner) (*parley.WebhookDelivery, error) {
	d := &parley.WebhookDelivery{}
	var payload string
	var next, created int64
	err := row.Scan(&d.ID, &d.WebhookID, &d.SiteID, &d.Event, &d.Key, &payload, &d.State, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &created)
	d.Payload, d.NextAt, d.CreatedAt = []byte(payload), fromMillis(next), fromMillis(created)
	return d, err
}

// oneRow returns a statement's error, or ENOTFOUND for subject when it
// changed no row.
func oneRow(res sql.Result, err error, subject string) error {
	if err != nil {
		return mapError(err, subject, subject)
	}
	return notFoundUnless(res, subject)
}
