package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
)

var deskSecret = regexp.MustCompile(`id="secret" readonly value="(whsec_[0-9a-f]{64})"`)

// TestAdminDeskWebhooks: over the real service and store, an admin adds
// an endpoint in the desk and is shown its secret, the one the store
// keeps, once; the list shows the endpoint, its log a failed delivery,
// and the redeliver button makes that delivery pending again. A
// moderator of the same site is refused the page.
func TestAdminDeskWebhooks(t *testing.T) {
	app := startMailApp(t, true)
	for email, role := range map[string]string{"adm@news.example": "admin", "mod@news.example": "moderator"} {
		if out, err := app.cli(t, "user", "grant", "--site", "news", "--email", email, "--role", role); err != nil {
			t.Fatalf("grant %s: %v %s", role, err, out)
		}
	}
	mod := newAdminBrowser(t, app)
	if res, page := mod.signIn("news", "mod@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the moderator signs in: %d\n%s", res.StatusCode, page)
	}
	if res, page := mod.send("GET", "/admin/sites/news/webhooks", nil); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "Only admins") {
		t.Errorf("a moderator opens the webhooks: %d\n%s", res.StatusCode, page)
	}

	adm := newAdminBrowser(t, app)
	if res, page := adm.signIn("news", "adm@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the admin signs in: %d\n%s", res.StatusCode, page)
	}
	token := adm.csrf("/admin/sites/news/webhooks")
	res, page := adm.send("POST", "/admin/sites/news/webhooks", url.Values{"csrf": {token}, "url": {"https://hooks.news.example/parley"},
		"event": {parley.HookCommentCreated, parley.HookCommentRejected}})
	m := deskSecret.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("add: %d, no secret shown\n%s", res.StatusCode, page)
	}
	hooks, err := app.store.SiteWebhooks(t.Context(), "news")
	if err != nil || len(hooks) != 1 || hooks[0].Secrets[0].Value != m[1] || strings.Join(hooks[0].Events, " ") != "comment.created comment.rejected" {
		t.Fatalf("the store holds %+v (%v), want the endpoint with the secret shown", hooks, err)
	}
	hook := hooks[0]
	if _, list := adm.send("GET", "/admin/sites/news/webhooks", nil); !strings.Contains(list, "https://hooks.news.example/parley") || strings.Contains(list, m[1]) {
		t.Errorf("the list does not show the endpoint, or shows its secret again\n%s", list)
	}

	// a delivery the relay tried and gave up on
	ctx, now := t.Context(), app.clock.Now()
	d := &parley.WebhookDelivery{ID: parley.NewID(now), WebhookID: hook.ID, SiteID: "news", Event: parley.HookCommentCreated, Key: "test",
		Payload: []byte(`{}`), State: parley.DeliveryPending, NextAt: now, CreatedAt: now}
	if ok, err := app.store.EnqueueDelivery(ctx, d); !ok || err != nil {
		t.Fatalf("enqueue: %v %v", ok, err)
	}
	if ds, err := app.store.ClaimDeliveries(ctx, "test", now, time.Minute, 10); err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	at := &parley.WebhookAttempt{DeliveryID: d.ID, Attempt: 1, At: now, Status: 503, Latency: 42 * time.Millisecond, Error: "HTTP 503"}
	if err := app.store.FinishAttempt(ctx, "test", at, parley.DeliveryFailed, now); err != nil {
		t.Fatal(err)
	}
	logPath := "/admin/sites/news/webhooks/" + hook.ID
	res, page = adm.send("GET", logPath, nil)
	for _, want := range []string{"503", "42 ms", "HTTP 503", "Failed", `value="` + d.ID + `"`} {
		if res.StatusCode != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("the delivery log: %d, lacks %q", res.StatusCode, want)
		}
	}
	res, _ = adm.send("POST", logPath+"/redeliver", url.Values{"csrf": {adm.csrf(logPath)}, "delivery": {d.ID}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != app.URL+logPath+"?done=redelivered" {
		t.Fatalf("redeliver: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ds, err := app.store.Deliveries(ctx, hook.ID, "", 10)
	if err != nil || len(ds) != 1 || ds[0].State != parley.DeliveryPending || ds[0].Attempts != 0 {
		t.Errorf("after redeliver the store holds %+v (%v), want the delivery pending with no attempts", ds, err)
	}
	if res, _ := mod.send("POST", logPath+"/redeliver", url.Values{"csrf": {mod.csrf("/admin/sites/news")}, "delivery": {d.ID}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a moderator redelivers: %d", res.StatusCode)
	}
}
