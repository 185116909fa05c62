package admin

import (
	"context"
	"net/http"
	"time"

	"parley"
	"parley/internal/service"
)

// Webhooks is what the webhook pages need of the service: a site's
// endpoints and their delivery log, each call authorized (admins of the
// site only). *service.Service provides it.
type Webhooks interface {
	Webhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error)
	Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error)
	AddWebhook(ctx context.Context, siteID, url string, events []string) (*parley.Webhook, error)
	RemoveWebhook(ctx context.Context, siteID, id string) error
	RotateWebhook(ctx context.Context, siteID, id string, finish bool) (*parley.Webhook, error)
	Deliveries(ctx context.Context, siteID, id, cursor string, limit int) ([]service.DeliveryLog, string, error)
	Redeliver(ctx context.Context, siteID, deliveryID string) error
}

// deliveryPage is how many deliveries the log shows at once.
const deliveryPage = 50

// hooksView is the list of endpoints, and, right after an endpoint was
// added or its secret rotated, the new secret: this page, the answer to
// that post, is the only place it is ever shown.
type hooksView struct {
	layout
	Hooks  []*parley.Webhook
	Events []string
	Secret *newSecret
	Notice string
	// URL and Picked refill the form after a refused add.
	URL    string
	Picked map[string]bool
	Error  string
}

// newSecret is a secret just made, for the endpoint at URL.
type newSecret struct{ URL, Value string }

// hookView is one endpoint's delivery log, or the step that confirms its
// removal.
type hookView struct {
	layout
	Hook       *parley.Webhook
	Deliveries []deliveryRow
	Next       string
	Notice     string
}

// deliveryRow is one delivery as the log shows it: its last attempt's
// latency beside what the delivery keeps itself.
type deliveryRow struct {
	*parley.WebhookDelivery
	Latency time.Duration
	Tried   bool
}

// Millis is the last attempt's latency in whole milliseconds.
func (d deliveryRow) Millis() int { return int(d.Latency / time.Millisecond) }

// hooksRefused words the service's refusal of a moderator as the desk's
// own: the desk is theirs, only this page is not. Who may is still the
// service's decision.
func hooksRefused(err error) error {
	if parley.ErrorKey(err) == "roleTooLow" {
		return parley.Errorf(parley.EFORBIDDEN, "Only admins of this site can manage its webhooks.").Keyed("adminWebhooksOnly")
	}
	return err
}

// errNoHooks answers every webhook page of a server built without them.
var errNoHooks = parley.Errorf(parley.ENOTFOUND, "This server has no webhooks.")

// webhooks lists the site's endpoints with the form that adds one.
func (a *Admin) webhooks(w http.ResponseWriter, r *http.Request, d *desk) error {
	return a.showHooks(w, r, d, &hooksView{})
}

// showHooks renders the list with what v already holds (a new secret, a
// refused form).
func (a *Admin) showHooks(w http.ResponseWriter, r *http.Request, d *desk, v *hooksView) error {
	if a.hooks == nil {
		return errNoHooks
	}
	hooks, err := a.hooks.Webhooks(r.Context(), d.Site.ID)
	if err != nil {
		return hooksRefused(err)
	}
	v.layout = a.deskLayout(r, d, "webhooks", d.P.T("admin.hooks.title"))
	v.Here = deskPath(d.Site.ID, "webhooks") // a post's answer: the switch returns to the list
	v.Hooks, v.Events = hooks, parley.WebhookEvents()
	switch r.URL.Query().Get("done") {
	case "removed":
		v.Notice = d.P.T("admin.hooks.removed")
	case "finished":
		v.Notice = d.P.T("admin.hooks.finished")
	}
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusBadRequest
	}
	a.render(w, status, "webhooks", v)
	return nil
}

// addWebhook adds an endpoint and answers with the list showing its
// secret, once; a URL or events the service refuses come back in the
// form with the reason.
func (a *Admin) addWebhook(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	target, events := r.PostForm.Get("url"), r.PostForm["event"]
	hook, err := a.hooks.AddWebhook(r.Context(), d.Site.ID, target, events)
	switch code := parley.ErrorCode(err); {
	case err == nil:
		return a.showHooks(w, r, d, &hooksView{Secret: &newSecret{URL: hook.URL, Value: lastSecret(hook)}})
	case code == parley.EINVALID || code == parley.ECONFLICT:
		picked := map[string]bool{}
		for _, e := range events {
			picked[e] = true
		}
		return a.showHooks(w, r, d, &hooksView{URL: target, Picked: picked, Error: d.P.Error(code, parley.ErrorKey(err))})
	default:
		return hooksRefused(err)
	}
}

// lastSecret is the newest secret of hook: the one just made.
func lastSecret(hook *parley.Webhook) string {
	if len(hook.Secrets) == 0 {
		return ""
	}
	return hook.Secrets[len(hook.Secrets)-1].Value
}

// rotateWebhook adds a secret and shows it, once, or with finish drops
// the older ones.
func (a *Admin) rotateWebhook(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	finish := r.PostForm.Get("finish") != ""
	hook, err := a.hooks.RotateWebhook(r.Context(), d.Site.ID, r.PathValue("hook"), finish)
	if err != nil {
		return hooksRefused(err)
	}
	if finish {
		http.Redirect(w, r, a.publicURL+deskPath(d.Site.ID, "webhooks")+"?done=finished", http.StatusSeeOther)
		return nil
	}
	return a.showHooks(w, r, d, &hooksView{Secret: &newSecret{URL: hook.URL, Value: lastSecret(hook)}})
}

// confirmRemove asks before an endpoint goes, as a page of its own, so
// that the step needs no script.
func (a *Admin) confirmRemove(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	hook, err := a.hooks.Webhook(r.Context(), d.Site.ID, r.PathValue("hook"))
	if err != nil {
		return hooksRefused(err)
	}
	a.render(w, http.StatusOK, "webhookRemove", &hookView{layout: a.deskLayout(r, d, "webhooks", d.P.T("admin.hooks.removeTitle")), Hook: hook})
	return nil
}

// removeWebhook removes an endpoint with its log.
func (a *Admin) removeWebhook(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	if err := a.hooks.RemoveWebhook(r.Context(), d.Site.ID, r.PathValue("hook")); err != nil {
		return hooksRefused(err)
	}
	http.Redirect(w, r, a.publicURL+deskPath(d.Site.ID, "webhooks")+"?done=removed", http.StatusSeeOther)
	return nil
}

// deliveries shows an endpoint's delivery log, newest first, a page at a
// time.
func (a *Admin) deliveries(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	id := r.PathValue("hook")
	hook, err := a.hooks.Webhook(r.Context(), d.Site.ID, id)
	if err != nil {
		return hooksRefused(err)
	}
	logs, next, err := a.hooks.Deliveries(r.Context(), d.Site.ID, id, r.URL.Query().Get("after"), deliveryPage)
	if err != nil {
		return hooksRefused(err)
	}
	v := &hookView{layout: a.deskLayout(r, d, "webhooks", d.P.T("admin.hooks.logTitle")), Hook: hook, Next: next}
	for _, l := range logs {
		row := deliveryRow{WebhookDelivery: l.Delivery}
		if n := len(l.Attempts); n > 0 {
			row.Latency, row.Tried = l.Attempts[n-1].Latency, true
		}
		v.Deliveries = append(v.Deliveries, row)
	}
	if r.URL.Query().Get("done") == "redelivered" {
		v.Notice = d.P.T("admin.hooks.redelivered")
	}
	a.render(w, http.StatusOK, "webhook", v)
	return nil
}

// redeliver sends a delivery again and returns to the log.
func (a *Admin) redeliver(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.hooks == nil {
		return errNoHooks
	}
	// the endpoint in the path is where the answer returns: it must be one
	hook, err := a.hooks.Webhook(r.Context(), d.Site.ID, r.PathValue("hook"))
	if err != nil {
		return hooksRefused(err)
	}
	if err := a.hooks.Redeliver(r.Context(), d.Site.ID, r.PostForm.Get("delivery")); err != nil {
		return hooksRefused(err)
	}
	http.Redirect(w, r, a.publicURL+deskPath(d.Site.ID, "webhooks", hook.ID)+"?done=redelivered", http.StatusSeeOther)
	return nil
}
