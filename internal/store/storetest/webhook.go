package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

func (f *fixture) mustWebhook(siteID string, events ...string) *parley.Webhook {
	f.t.Helper()
	at := f.tick()
	w := &parley.Webhook{ID: parley.NewID(at), SiteID: siteID, URL: "https://hooks.example/parley", Events: events,
		Secrets: []parley.WebhookSecret{{ID: parley.NewID(at), Value: "whsec_" + parley.NewID(at), CreatedAt: at}}, CreatedAt: at}
	if err := f.s.CreateWebhook(f.ctx, w); err != nil {
		f.t.Fatalf("CreateWebhook: %v", err)
	}
	return w
}

func (f *fixture) delivery(w *parley.Webhook, key string) *parley.WebhookDelivery {
	at := f.tick()
	return &parley.WebhookDelivery{ID: parley.NewID(at), WebhookID: w.ID, SiteID: w.SiteID, Event: parley.HookCommentCreated,
		Key: key, Payload: []byte(`{"event":"comment.created"}`), State: parley.DeliveryPending, NextAt: at, CreatedAt: at}
}

func (f *fixture) mustDeliver(w *parley.Webhook, key string) *parley.WebhookDelivery {
	f.t.Helper()
	d := f.delivery(w, key)
	if ok, err := f.s.EnqueueDelivery(f.ctx, d); err != nil || !ok {
		f.t.Fatalf("EnqueueDelivery(%s) = %v, %v; want true", key, ok, err)
	}
	return d
}

func testWebhooks(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustSite("other")
	a := f.mustWebhook(f.site.ID, parley.HookCommentCreated)
	b := f.mustWebhook(f.site.ID, parley.HookCommentRejected, parley.HookUserBanned)
	f.mustWebhook(other.ID, parley.HookStoryClosed)
	got, err := f.s.SiteWebhooks(f.ctx, f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*parley.Webhook{a, b}, got, equateEmpty); diff != "" {
		t.Errorf("SiteWebhooks (-want +got):\n%s", diff)
	}
	if err := f.s.CreateWebhook(f.ctx, a); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("CreateWebhook with a taken ID = %v, want ECONFLICT", err)
	}
	ghost := *a
	ghost.ID, ghost.SiteID = parley.NewID(f.tick()), "nosuchsite"
	if err := f.s.CreateWebhook(f.ctx, &ghost); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("CreateWebhook on no site = %v, want ENOTFOUND", err)
	}
	b.URL, b.Events = "https://hooks.example/v2", []string{parley.HookNoticeCreated}
	b.Secrets = append(b.Secrets, parley.WebhookSecret{ID: parley.NewID(f.tick()), Value: "whsec_new", CreatedAt: f.now})
	if err := f.s.UpdateWebhook(f.ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.Webhook(f.ctx, f.site.ID, b.ID); err != nil || !cmp.Equal(got, b) {
		t.Errorf("Webhook after UpdateWebhook = %+v, %v; want %+v", got, err, b)
	}
	if _, err := f.s.Webhook(f.ctx, other.ID, b.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("Webhook of another site = %v, want ENOTFOUND", err)
	}
	moved := *b
	moved.SiteID = other.ID
	if err := f.s.UpdateWebhook(f.ctx, &moved); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("UpdateWebhook through another site = %v, want ENOTFOUND", err)
	}
	if err := f.s.DeleteWebhook(f.ctx, other.ID, a.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("DeleteWebhook through another site = %v, want ENOTFOUND", err)
	}
	d := f.mustDeliver(a, "k1")
	if err := f.s.DeleteWebhook(f.ctx, f.site.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Webhook(f.ctx, f.site.ID, a.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("Webhook after DeleteWebhook = %v, want ENOTFOUND", err)
	}
	if ds, err := f.s.Deliveries(f.ctx, a.ID, "", 10); err != nil || len(ds) != 0 {
		t.Errorf("deliveries of a deleted endpoint = %d, %v; want none (%s went with it)", len(ds), err, d.ID)
	}
	if _, err := f.s.EnqueueDelivery(f.ctx, f.delivery(a, "k2")); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("EnqueueDelivery to a deleted endpoint = %v, want ENOTFOUND", err)
	}
}

// testDeliveries walks one delivery through a failed attempt, a retry, a
// success and a redelivery, and checks the log it leaves.
func testDeliveries(t *testing.T, open Opener) {
	f := newFixture(t, open)
	w := f.mustWebhook(f.site.ID, parley.HookCommentCreated)
	d := f.mustDeliver(w, "comment.created:1")
	if ok, err := f.s.EnqueueDelivery(f.ctx, f.delivery(w, "comment.created:1")); err != nil || ok {
		t.Errorf("EnqueueDelivery of the same key = %v, %v; want false", ok, err)
	}
	now := f.tick()
	claimed, err := f.s.ClaimDeliveries(f.ctx, "r1", now, lease, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != d.ID || claimed[0].Attempts != 1 || string(claimed[0].Payload) != string(d.Payload) {
		t.Fatalf("ClaimDeliveries = %+v, %v; want %s at attempt 1", claimed, err, d.ID)
	}
	if again, _ := f.s.ClaimDeliveries(f.ctx, "r2", now, lease, 10); len(again) != 0 {
		t.Errorf("a leased delivery was claimed again: %d", len(again))
	}
	fail := &parley.WebhookAttempt{DeliveryID: d.ID, Attempt: 1, At: now, Status: 500, Latency: 12 * time.Millisecond, Error: "HTTP 500"}
	if err := f.s.FinishAttempt(f.ctx, "r2", fail, parley.DeliveryPending, now); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("FinishAttempt by a relay without the lease = %v, want ENOTFOUND", err)
	}
	retryAt := now.Add(time.Minute)
	if err := f.s.FinishAttempt(f.ctx, "r1", fail, parley.DeliveryPending, retryAt); err != nil {
		t.Fatal(err)
	}
	if early, _ := f.s.ClaimDeliveries(f.ctx, "r1", retryAt.Add(-time.Millisecond), lease, 10); len(early) != 0 {
		t.Errorf("a delivery was claimed before its retry was due")
	}
	claimed, _ = f.s.ClaimDeliveries(f.ctx, "r1", retryAt, lease, 10)
	if len(claimed) != 1 || claimed[0].Attempts != 2 || claimed[0].LastStatus != 500 || claimed[0].LastError != "HTTP 500" {
		t.Fatalf("retry claim = %+v, want attempt 2 after HTTP 500", claimed)
	}
	ok := &parley.WebhookAttempt{DeliveryID: d.ID, Attempt: 2, At: retryAt, Status: 204, Latency: 3 * time.Millisecond}
	if err := f.s.FinishAttempt(f.ctx, "r1", ok, parley.DeliveryDelivered, retryAt); err != nil {
		t.Fatal(err)
	}
	if later, _ := f.s.ClaimDeliveries(f.ctx, "r1", retryAt.Add(time.Hour), lease, 10); len(later) != 0 {
		t.Errorf("a delivered delivery was claimed again")
	}
	attempts, err := f.s.DeliveryAttempts(f.ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*parley.WebhookAttempt{fail, ok}, attempts); diff != "" {
		t.Errorf("DeliveryAttempts (-want +got):\n%s", diff)
	}
	if err := f.s.Redeliver(f.ctx, "other", d.ID, retryAt); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("Redeliver through another site = %v, want ENOTFOUND", err)
	}
	if err := f.s.Redeliver(f.ctx, f.site.ID, d.ID, retryAt); err != nil {
		t.Fatal(err)
	}
	claimed, _ = f.s.ClaimDeliveries(f.ctx, "r1", retryAt, lease, 10)
	if len(claimed) != 1 || claimed[0].Attempts != 1 {
		t.Errorf("claim after Redeliver = %+v, want the delivery at attempt 1", claimed)
	}
	page, err := f.s.Deliveries(f.ctx, w.ID, "", 10)
	if err != nil || len(page) != 1 || page[0].State != parley.DeliveryPending {
		t.Errorf("Deliveries = %+v, %v; want the one pending delivery", page, err)
	}
}

// testDeliveryClaims pages deliveries and checks that concurrent relays
// claim each one once, and that the purge keeps what is pending.
func testDeliveryClaims(t *testing.T, open Opener) {
	f := newFixture(t, open)
	w := f.mustWebhook(f.site.ID, parley.HookCommentCreated)
	var ids []string
	for i := range 12 {
		ids = append(ids, f.mustDeliver(w, fmt.Sprintf("k%d", i)).ID)
	}
	first, err := f.s.Deliveries(f.ctx, w.ID, "", 5)
	if err != nil || len(first) != 5 || first[0].ID != ids[11] || first[4].ID != ids[7] {
		t.Fatalf("first page = %d, %v; want the 5 newest", len(first), err)
	}
	if next, _ := f.s.Deliveries(f.ctx, w.ID, first[4].ID, 100); len(next) != 7 || next[0].ID != ids[6] {
		t.Errorf("second page = %d, want the 7 older ones", len(next))
	}
	if _, err := f.s.Deliveries(f.ctx, w.ID, "", 0); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Deliveries(limit 0) = %v, want EINVALID", err)
	}
	now := f.tick()
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Go(func() {
			for {
				ds, err := f.s.ClaimDeliveries(f.ctx, fmt.Sprintf("relay-%d", r), now, lease, 2)
				if err != nil {
					t.Errorf("ClaimDeliveries: %v", err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					seen[d.ID]++
				}
				mu.Unlock()
				for _, d := range ds {
					a := &parley.WebhookAttempt{DeliveryID: d.ID, Attempt: d.Attempts, At: now, Status: 200}
					if err := f.s.FinishAttempt(f.ctx, fmt.Sprintf("relay-%d", r), a, parley.DeliveryDelivered, now); err != nil {
						t.Errorf("FinishAttempt: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("delivery %s claimed %d times, want once", id, seen[id])
		}
	}
	pending := f.mustDeliver(w, "still-pending")
	n, err := f.s.PurgeDeliveries(f.ctx, f.tick())
	if err != nil || n != len(ids) {
		t.Errorf("PurgeDeliveries = %d, %v; want %d", n, err, len(ids))
	}
	if left, _ := f.s.Deliveries(f.ctx, w.ID, "", 100); len(left) != 1 || left[0].ID != pending.ID {
		t.Errorf("after the purge: %d deliveries, want only the pending one", len(left))
	}
}
