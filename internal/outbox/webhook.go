package outbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"parley"
)

// SignatureHeader carries a delivery's signatures: t=<unix seconds> and one
// v1=<hex HMAC-SHA256(secret, t + "." + body)> per active secret, so that
// a receiver in the middle of a rotation accepts either secret.
const SignatureHeader = "Parley-Signature"

// Signature returns the SignatureHeader value of body sent at t.
func Signature(secrets []parley.WebhookSecret, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b strings.Builder
	b.WriteString("t=" + ts)
	for _, s := range secrets {
		m := hmac.New(sha256.New, []byte(s.Value))
		m.Write([]byte(ts + "."))
		m.Write(body)
		b.WriteString(",v1=" + hex.EncodeToString(m.Sum(nil)))
	}
	return b.String()
}

// HookStore is what a Hooks relay needs of the store.
type HookStore interface {
	parley.DeliveryQueue
	Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error)
}

// HookOptions configure a Hooks relay; zero values take the defaults.
type HookOptions struct {
	Owner       string           // this relay's name in leases; default a new ID
	Clock       func() time.Time // default parley.Now
	Jitter      func() float64   // default math/rand/v2
	MaxAttempts int              // default 8: about 2 hours of trying
	BaseDelay   time.Duration    // default 30s
	MaxDelay    time.Duration    // default 1h
	Timeout     time.Duration    // one attempt, connection to response headers; default 10s
	Lease       time.Duration    // default 2m; at least 2 × Timeout
	Batch       int              // default 10
	Poll        time.Duration    // default 2s
	Retention   time.Duration    // how long finished deliveries are kept; default 7 days
	// AllowPrivate lets deliveries reach private, loopback and
	// link-local addresses: for tests and local development only, as it
	// lets whoever may add an endpoint make Parley call inside its own
	// network.
	AllowPrivate bool
	Logger       *slog.Logger
}

// Hooks delivers webhook deliveries: a relay like Relay, over the
// deliveries' own queue, with the same leases and backoff. Each attempt
// signs the payload anew with the endpoint's secrets as they are at that
// moment, so a rotation applies to deliveries already queued.
type Hooks struct {
	store  HookStore
	client *http.Client
	o      HookOptions
	wake   chan struct{}
}

// NewHooks returns a webhook relay over store.
func NewHooks(store HookStore, o HookOptions) (*Hooks, error) {
	if o.Owner == "" {
		o.Owner = "hooks-" + parley.NewID(parley.Now())
	}
	if o.Clock == nil {
		o.Clock = parley.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.MaxAttempts = orDefault(o.MaxAttempts, 8)
	o.BaseDelay = orDefault(o.BaseDelay, 30*time.Second)
	o.MaxDelay = orDefault(o.MaxDelay, time.Hour)
	o.Timeout = orDefault(o.Timeout, 10*time.Second)
	o.Lease = orDefault(o.Lease, 2*time.Minute)
	o.Batch = orDefault(o.Batch, 10)
	o.Poll = orDefault(o.Poll, 2*time.Second)
	o.Retention = orDefault(o.Retention, 7*24*time.Hour)
	if o.Lease < 2*o.Timeout {
		return nil, fmt.Errorf("outbox: webhook lease %s: at least twice the timeout (%s)", o.Lease, o.Timeout)
	}
	return &Hooks{store: store, client: hookClient(o.Timeout, o.AllowPrivate), o: o, wake: make(chan struct{}, 1)}, nil
}

// hookClient is the HTTP client of deliveries: no proxy from the
// environment (it would hide the target from the address check), no
// redirects (a 3xx is an answer, not a new target), no cookies, and a
// dialer that refuses every address that is not public unless
// allowPrivate, checked on the address actually dialled, so that DNS
// rebinding cannot get around it.
func hookClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook: dial %s: %w", address, err)
		}
		if !allowPrivate && !parley.PublicAddr(ap.Addr()) {
			return errPrivate
		}
		return nil
	}}
	t := &http.Transport{Proxy: nil, DialContext: d.DialContext, ForceAttemptHTTP2: true,
		TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second}
	return &http.Client{Transport: t, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var errPrivate = errors.New("webhook: the endpoint resolves to a private, loopback or link-local address")

// Wake makes Run look for due deliveries now; it never blocks.
func (h *Hooks) Wake() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run delivers due deliveries until ctx ends; the batch under way is
// finished first, each attempt bounded by the timeout.
func (h *Hooks) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	var purged time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.wake:
		}
		if now := h.o.Clock(); now.Sub(purged) >= time.Hour {
			purged = now
			if n, err := h.store.PurgeDeliveries(ctx, now.Add(-h.o.Retention)); err != nil {
				h.o.Logger.Warn("webhooks: purging old deliveries", "err", err)
			} else if n > 0 {
				h.o.Logger.Info("webhooks: purged old deliveries", "count", n)
			}
		}
		n, err := h.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			h.o.Logger.Warn("webhooks: claiming deliveries", "err", err)
		}
		next := h.o.Poll
		if n == h.o.Batch {
			next = 0
		}
		t.Reset(next)
	}
}

// RunOnce claims one batch of due deliveries and attempts each; it returns
// how many it claimed.
func (h *Hooks) RunOnce(ctx context.Context) (int, error) {
	ds, err := h.store.ClaimDeliveries(ctx, h.o.Owner, h.o.Clock(), h.o.Lease, h.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("webhooks: claim: %w", err)
	}
	work := context.WithoutCancel(ctx)
	for _, d := range ds {
		h.attempt(work, d)
	}
	return len(ds), nil
}

// attempt makes one attempt of d and records it in the delivery log.
func (h *Hooks) attempt(ctx context.Context, d *parley.WebhookDelivery) {
	log := h.o.Logger.With("delivery", d.ID, "webhook", d.WebhookID, "attempt", d.Attempts)
	start := h.o.Clock()
	status, err := h.send(ctx, d)
	a := &parley.WebhookAttempt{DeliveryID: d.ID, Attempt: d.Attempts, At: start, Status: status, Latency: h.o.Clock().Sub(start)}
	state, next := parley.DeliveryDelivered, start
	switch {
	case err == nil:
		log.Debug("webhooks: delivered", "status", status)
	case errors.Is(err, errGone) || parley.ErrorCode(err) == parley.EINVALID || d.Attempts >= h.o.MaxAttempts:
		a.Error, state = reason(err), parley.DeliveryFailed
		log.Warn("webhooks: gave up on a delivery", "err", err)
	default:
		a.Error, state, next = reason(err), parley.DeliveryPending, start.Add(backoff(d.Attempts, h.o.BaseDelay, h.o.MaxDelay, h.o.Jitter()))
		log.Info("webhooks: attempt failed; will retry", "err", err, "next", next)
	}
	if errors.Is(err, errGone) {
		return // the delivery went with its endpoint
	}
	if err := h.store.FinishAttempt(ctx, h.o.Owner, a, state, next); err != nil {
		log.Error("webhooks: recording the attempt", "err", err)
	}
}

var errGone = errors.New("webhook: the endpoint was removed")

// send posts d's payload to its endpoint and returns the response's
// status; an error for anything but a 2xx.
func (h *Hooks) send(ctx context.Context, d *parley.WebhookDelivery) (int, error) {
	w, err := h.store.Webhook(ctx, d.SiteID, d.WebhookID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return 0, errGone
	} else if err != nil {
		return 0, fmt.Errorf("webhook: endpoint: %w", err)
	}
	if _, err := parley.CheckWebhookURL(w.URL, h.o.AllowPrivate); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, h.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, fmt.Errorf("webhook: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhook/1")
	req.Header.Set("Parley-Event", d.Event)
	req.Header.Set("Parley-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Signature(w.Secrets, h.o.Clock(), d.Payload))
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused; the rest is dropped
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook: HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
