package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
)

// receiver is a publisher's endpoint: it checks every delivery's
// signature against the secrets it knows, answers 500 to the first
// failures calls, and records what it accepted.
type receiver struct {
	t       *testing.T
	secrets []string
	mu      sync.Mutex
	fail    int
	calls   int
	bodies  []string
	badSigs int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	if !rc.verify(r.Header.Get(SignatureHeader), body) {
		rc.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.calls <= rc.fail {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	rc.bodies = append(rc.bodies, string(body))
	w.WriteHeader(http.StatusNoContent)
}

// verify checks a signature header as a receiver's code would: with its
// own HMAC, any v1 matching any secret it holds, and a timestamp within
// five minutes.
func (rc *receiver) verify(header string, body []byte) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 24*time.Hour { // the test clock is fixed, not now
		return false
	}
	for _, secret := range rc.secrets {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "."))
		m.Write(body)
		want := hex.EncodeToString(m.Sum(nil))
		for _, s := range sigs {
			if hmac.Equal([]byte(s), []byte(want)) {
				return true
			}
		}
	}
	return false
}

func hookWorld(t *testing.T, store parley.Store, url string) (*parley.Webhook, *parley.WebhookDelivery) {
	t.Helper()
	ctx := t.Context()
	if err := store.CreateSite(ctx, &parley.Site{ID: "news", Name: "News", CreatedAt: parley.Now()}); err != nil {
		t.Fatal(err)
	}
	w := &parley.Webhook{ID: parley.NewID(parley.Now()), SiteID: "news", URL: url, Events: []string{parley.HookCommentCreated},
		Secrets: []parley.WebhookSecret{{ID: "s1", Value: "old-secret-0123456789"}, {ID: "s2", Value: "new-secret-9876543210"}}, CreatedAt: parley.Now()}
	if err := store.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	d := &parley.WebhookDelivery{ID: parley.NewID(at), WebhookID: w.ID, SiteID: "news", Event: parley.HookCommentCreated,
		Key: "comment.created-x", Payload: []byte(`{"event":"comment.created","id":"comment.created-x"}`), NextAt: at, CreatedAt: at}
	if _, err := store.EnqueueDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	return w, d
}

// TestHooksFailAndRecover delivers to a real HTTP receiver that answers
// 500 twice and then accepts: the delivery is retried after the backoff,
// each attempt is logged with its status, and the accepted body is
// signed for both secrets of a rotation (the receiver knows only the new
// one).
func TestHooksFailAndRecover(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		store := open()
		rc := &receiver{t: t, secrets: []string{"new-secret-9876543210"}, fail: 2}
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		w, d := hookWorld(t, store, srv.URL+"/parley")
		c := newClock()
		h, err := NewHooks(store, HookOptions{Owner: "h1", Clock: c.Now, Jitter: func() float64 { return 0.5 }, AllowPrivate: true,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		for i, advance := range []time.Duration{0, 0, 30 * time.Second, 0, 60 * time.Second} {
			c.Add(advance)
			if _, err := h.RunOnce(t.Context()); err != nil {
				t.Fatalf("round %d: %v", i, err)
			}
		}
		// attempt 1 fails at once; attempt 2 is due after 22.5 s (30 s
		// halved and jittered), attempt 3 after 45 s more
		if rc.calls != 3 || len(rc.bodies) != 1 || rc.badSigs != 0 {
			t.Fatalf("receiver: %d calls, %d accepted, %d bad signatures; want 3, 1, 0", rc.calls, len(rc.bodies), rc.badSigs)
		}
		if rc.bodies[0] != string(d.Payload) {
			t.Errorf("body = %s, want %s", rc.bodies[0], d.Payload)
		}
		attempts, err := store.DeliveryAttempts(t.Context(), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, a := range attempts {
			got = append(got, a.Status)
			if (a.Status == 500) != (a.Error != "") {
				t.Errorf("attempt %d: status %d with error %q", a.Attempt, a.Status, a.Error)
			}
		}
		if len(got) != 3 || got[0] != 500 || got[1] != 500 || got[2] != 204 {
			t.Errorf("attempt statuses = %v, want [500 500 204]", got)
		}
		ds, _ := store.Deliveries(t.Context(), w.ID, "", 10)
		if len(ds) != 1 || ds[0].State != parley.DeliveryDelivered || ds[0].LastStatus != 204 {
			t.Errorf("delivery = %+v, want delivered with 204", ds)
		}

		// a redelivery sends the same body again
		if err := store.Redeliver(t.Context(), "news", d.ID, c.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := h.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if len(rc.bodies) != 2 || rc.bodies[1] != rc.bodies[0] {
			t.Errorf("after Redeliver the receiver accepted %d bodies, want the same body twice", len(rc.bodies))
		}
	})
}

// TestHooksGiveUp stops after MaxAttempts of a receiver that keeps
// failing, and at once for an endpoint that points to a private address
// (stored before the URL check, or by hand): no attempt reaches it.
func TestHooksGiveUp(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		store := open()
		rc := &receiver{t: t, secrets: []string{"new-secret-9876543210"}, fail: 100}
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		w, d := hookWorld(t, store, srv.URL+"/parley")
		c := newClock()
		opts := HookOptions{Owner: "h1", Clock: c.Now, Jitter: func() float64 { return 0 }, MaxAttempts: 2,
			AllowPrivate: true, Logger: slog.New(slog.DiscardHandler)}
		h, err := NewHooks(store, opts)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := h.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			c.Add(time.Hour)
		}
		wantDelivery(t, store, w, d, 2, "HTTP 500")
		if rc.calls != 2 {
			t.Errorf("receiver called %d times, want 2", rc.calls)
		}

		opts.AllowPrivate = false
		strict, err := NewHooks(store, opts)
		if err != nil {
			t.Fatal(err)
		}
		w.URL = "https" + strings.TrimPrefix(srv.URL, "http") + "/parley"
		if err := store.UpdateWebhook(t.Context(), w); err != nil {
			t.Fatal(err)
		}
		if err := store.Redeliver(t.Context(), "news", d.ID, c.Now()); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := strict.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			c.Add(time.Hour)
		}
		if rc.calls != 2 {
			t.Errorf("the receiver on loopback was called again")
		}
		wantDelivery(t, store, w, d, 3, "private")
	})
}

// wantDelivery checks that d failed after attempts attempts in all, the
// last with an error containing reason.
func wantDelivery(t *testing.T, store parley.Store, w *parley.Webhook, d *parley.WebhookDelivery, attempts int, reason string) {
	t.Helper()
	as, err := store.DeliveryAttempts(t.Context(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != attempts || !strings.Contains(as[len(as)-1].Error, reason) {
		for _, a := range as {
			t.Logf("attempt %d: %d %q", a.Attempt, a.Status, a.Error)
		}
		t.Errorf("%d attempts, want %d, the last for %q", len(as), attempts, reason)
	}
	ds, _ := store.Deliveries(t.Context(), w.ID, "", 10)
	if len(ds) != 1 || ds[0].State != parley.DeliveryFailed {
		t.Errorf("delivery = %+v, want failed", ds)
	}
}

func TestSignature(t *testing.T) {
	got := Signature([]parley.WebhookSecret{{Value: "a"}, {Value: "b"}}, time.Unix(1700000000, 0), []byte(`{}`))
	m := hmac.New(sha256.New, []byte("b"))
	m.Write([]byte("1700000000.{}"))
	if want := ",v1=" + hex.EncodeToString(m.Sum(nil)); !strings.HasPrefix(got, "t=1700000000,v1=") || !strings.HasSuffix(got, want) || strings.Count(got, "v1=") != 2 {
		t.Errorf("Signature = %s, want t=1700000000 and a v1 per secret ending in %s", got, want)
	}
}

// TestHookDialer checks the dialer itself: a host name is no way around
// the address check, as the check is made on the address dialled.
func TestHookDialer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, url := range []string{srv.URL, "http://localhost:" + port} {
		resp, err := hookClient(time.Second, false).Get(url)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s through the webhook client succeeded, want refused", url)
		} else if !strings.Contains(err.Error(), "private") {
			t.Errorf("GET %s: %v, want the private-address refusal", url, err)
		}
	}
	resp, err := hookClient(time.Second, true).Get(srv.URL)
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
}
