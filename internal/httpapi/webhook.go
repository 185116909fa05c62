package httpapi

import (
	"context"
	"net/http"

	"parley"
	"parley/internal/service"
	"parley/internal/wire"
)

// This file serves a site's webhooks to its admins, under
// /api/v1/admin/sites/{site}/webhooks. A secret's value is sent once, in
// the answer that made it; lists name secrets by ID only.

type webhookJSON struct {
	ID        string       `json:"id"`
	URL       string       `json:"url"`
	Events    []string     `json:"events"`
	Secrets   []secretJSON `json:"secrets"`
	CreatedAt string       `json:"createdAt"`
	// Secret is the value of the secret just made, in the answers of
	// create and rotate only.
	Secret string `json:"secret,omitempty"`
}

type secretJSON struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
}

type webhooksJSON struct {
	Webhooks []webhookJSON `json:"webhooks"`
}

type webhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

type rotateRequest struct {
	Finish bool `json:"finish"`
}

type deliveryJSON struct {
	ID         string        `json:"id"`
	Event      string        `json:"event"`
	State      string        `json:"state"`
	Attempts   []attemptJSON `json:"attempts"`
	NextAt     string        `json:"nextAt,omitempty"`
	CreatedAt  string        `json:"createdAt"`
	LastStatus int           `json:"lastStatus,omitempty"`
	LastError  string        `json:"lastError,omitempty"`
}

type attemptJSON struct {
	Attempt   int    `json:"attempt"`
	At        string `json:"at"`
	Status    int    `json:"status"`
	LatencyMS int64  `json:"latencyMs"`
	Error     string `json:"error,omitempty"`
}

type deliveriesJSON struct {
	Deliveries []deliveryJSON `json:"deliveries"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

func newWebhookJSON(w *parley.Webhook, secret bool) webhookJSON {
	j := webhookJSON{ID: w.ID, URL: w.URL, Events: w.Events, Secrets: make([]secretJSON, len(w.Secrets)), CreatedAt: wire.FormatTime(w.CreatedAt)}
	for i, s := range w.Secrets {
		j.Secrets[i] = secretJSON{ID: s.ID, CreatedAt: wire.FormatTime(s.CreatedAt)}
	}
	if secret && len(w.Secrets) > 0 {
		j.Secret = w.Secrets[len(w.Secrets)-1].Value
	}
	return j
}

func (a *API) webhooks(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	ws, err := a.svc.Webhooks(r.Context(), siteID)
	if err != nil {
		return err
	}
	out := webhooksJSON{Webhooks: make([]webhookJSON, len(ws))}
	for i, wh := range ws {
		out.Webhooks[i] = newWebhookJSON(wh, false)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) addWebhook(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req webhookRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	wh, err := a.svc.AddWebhook(r.Context(), siteID, req.URL, req.Events)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newWebhookJSON(wh, true))
	return nil
}

func (a *API) removeWebhook(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveWebhook(r.Context(), siteID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rotateWebhook adds a secret ({}) or ends a rotation ({"finish": true}).
func (a *API) rotateWebhook(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req rotateRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	wh, err := a.svc.RotateWebhook(r.Context(), siteID, r.PathValue("id"), req.Finish)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWebhookJSON(wh, !req.Finish))
	return nil
}

func (a *API) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"))
	if err != nil {
		return err
	}
	logs, next, err := a.svc.Deliveries(r.Context(), siteID, r.PathValue("id"), q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := deliveriesJSON{Deliveries: make([]deliveryJSON, len(logs)), NextCursor: next}
	for i, l := range logs {
		out.Deliveries[i] = newDeliveryJSON(l)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func newDeliveryJSON(l service.DeliveryLog) deliveryJSON {
	d := l.Delivery
	j := deliveryJSON{ID: d.ID, Event: d.Event, State: d.State, Attempts: make([]attemptJSON, len(l.Attempts)),
		CreatedAt: wire.FormatTime(d.CreatedAt), LastStatus: d.LastStatus, LastError: d.LastError}
	if d.State == parley.DeliveryPending {
		j.NextAt = wire.FormatTime(d.NextAt)
	}
	for i, at := range l.Attempts {
		j.Attempts[i] = attemptJSON{Attempt: at.Attempt, At: wire.FormatTime(at.At), Status: at.Status, LatencyMS: at.Latency.Milliseconds(), Error: at.Error}
	}
	return j
}

func (a *API) redeliver(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	if err := a.svc.Redeliver(r.Context(), siteID, r.PathValue("delivery")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// WebhookService is what the webhook routes need of the service.
type WebhookService interface {
	Webhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error)
	AddWebhook(ctx context.Context, siteID, url string, events []string) (*parley.Webhook, error)
	RemoveWebhook(ctx context.Context, siteID, id string) error
	RotateWebhook(ctx context.Context, siteID, id string, finish bool) (*parley.Webhook, error)
	Deliveries(ctx context.Context, siteID, id, cursor string, limit int) ([]service.DeliveryLog, string, error)
	Redeliver(ctx context.Context, siteID, deliveryID string) error
}
