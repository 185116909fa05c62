// Package outbox delivers what Parley sends out of the process, e-mail and
// webhooks, from the durable outbox in the database.
//
// The model: a use case writes its message with Tx.EnqueueMessage in the
// same unit of work as what caused it, so a message exists exactly when its
// cause was committed. A Relay claims due messages with a lease, sends each,
// and marks it sent; a failed attempt is retried after an exponential
// backoff with jitter, and given up (marked failed and logged) after
// MaxAttempts. A relay that dies mid-send holds its lease until it ends,
// and then any relay on the same database claims the message again: a crash
// loses nothing. A message is sent twice only when a relay dies (or loses
// the database) between the mail server's acceptance and the mark; its
// Message-ID stays the same, so the copies can be told apart.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"strings"
	"time"

	"parley"
)

// Options configure a Relay; zero values take the defaults below.
type Options struct {
	Owner       string           // this relay's name in leases; default a new ID
	From        *mail.Address    // the From of every message (required)
	Host        string           // the right side of Message-IDs: the public URL's host (required)
	Clock       func() time.Time // default parley.Now
	Jitter      func() float64   // a number in [0, 1); default math/rand/v2
	MaxAttempts int              // default 8: about 2 hours of trying
	BaseDelay   time.Duration    // delay after the first failed attempt; default 30s
	MaxDelay    time.Duration    // the longest delay; default 1h
	Lease       time.Duration    // how long a claim keeps other relays off; default 5m
	Batch       int              // messages claimed at once; default 10
	Poll        time.Duration    // how often Run looks for due messages; default 2s
	Retention   time.Duration    // how long sent and failed messages are kept; default 7 days
	Logger      *slog.Logger     // default slog.Default()
	// PlainHTTP lets unsubscribe links be http: set it only when the
	// public URL itself is http (tests, a local demo), so that a mail of
	// a production Parley never carries a link that can be read and
	// altered on its way.
	PlainHTTP bool
}

// Relay sends the outbox's messages through a Sender.
type Relay struct {
	store  parley.Outbox
	sender Sender
	o      Options
	wake   chan struct{}
}

// NewRelay returns a relay over store that sends with sender.
func NewRelay(store parley.Outbox, sender Sender, o Options) (*Relay, error) {
	if o.From == nil || o.Host == "" {
		return nil, errors.New("outbox: a relay needs a From address and a host for Message-IDs")
	}
	if o.Owner == "" {
		o.Owner = "relay-" + parley.NewID(parley.Now())
	}
	if o.Clock == nil {
		o.Clock = parley.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	o.MaxAttempts = orDefault(o.MaxAttempts, 8)
	o.Batch = orDefault(o.Batch, 10)
	o.BaseDelay = orDefault(o.BaseDelay, 30*time.Second)
	o.MaxDelay = orDefault(o.MaxDelay, time.Hour)
	o.Lease = orDefault(o.Lease, 5*time.Minute)
	o.Poll = orDefault(o.Poll, 2*time.Second)
	o.Retention = orDefault(o.Retention, 7*24*time.Hour)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Lease < 2*DefaultSMTPTimeout {
		return nil, fmt.Errorf("outbox: lease %s: at least twice the SMTP timeout (%s), or a slow delivery is claimed again", o.Lease, DefaultSMTPTimeout)
	}
	return &Relay{store: store, sender: sender, o: o, wake: make(chan struct{}, 1)}, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Backoff returns the delay after the given failed attempt (1 for the
// first): BaseDelay doubled for each attempt before it, capped at MaxDelay,
// and then between half of that and all of it by jitter, so that messages
// that failed together (the server was down) do not all come back together.
func (r *Relay) Backoff(attempt int) time.Duration {
	return backoff(attempt, r.o.BaseDelay, r.o.MaxDelay, r.o.Jitter())
}

// backoff is the delay after a failed attempt of mail and webhooks alike:
// base doubled per attempt before it, capped at maxDelay, then scaled into
// its upper half by jitter (in [0, 1)).
func backoff(attempt int, base, maxDelay time.Duration, jitter float64) time.Duration {
	d := maxDelay
	if attempt-1 < 32 {
		d = min(base<<(attempt-1), maxDelay)
		if d <= 0 { // overflow
			d = maxDelay
		}
	}
	return d/2 + time.Duration(jitter*float64(d/2))
}

// Wake makes Run look for due messages now rather than at its next poll;
// a use case may call it after committing a message. It never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx ends, then returns once the message
// being sent is sent and marked (its send runs on a context of its own,
// bounded by the SMTP timeout); the rest of the batch is handed back, due
// at once, so that shutting down neither cuts a message in half nor makes
// the others wait for their lease, nor holds the process for a batch.
func (r *Relay) Run(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	var purged time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-r.wake:
		}
		if now := r.o.Clock(); now.Sub(purged) >= time.Hour {
			purged = now
			r.Purge(ctx)
		}
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.o.Logger.Warn("outbox: claiming messages", "err", err)
		}
		next := r.o.Poll
		if n == r.o.Batch {
			next = 0 // a full batch: there may be more waiting
		}
		t.Reset(next)
	}
}

// Purge deletes the messages sent or failed longer than Retention ago:
// the outbox is a queue, not an archive of whom Parley wrote to. Run calls
// it once an hour; every instance may, as deleting twice is harmless.
func (r *Relay) Purge(ctx context.Context) {
	n, err := r.store.PurgeMessages(ctx, r.o.Clock().Add(-r.o.Retention))
	if err != nil {
		r.o.Logger.Warn("outbox: purging old messages", "err", err)
		return
	}
	if n > 0 {
		r.o.Logger.Info("outbox: purged old messages", "count", n)
	}
}

// RunOnce claims one batch of due messages and attempts each; it returns
// how many it claimed. Once a message is under way it is attempted and
// marked even if ctx ends meanwhile; when ctx has ended, the messages not
// yet begun are released for the next claim (by any relay).
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	ms, err := r.store.ClaimMessages(ctx, r.o.Owner, r.o.Clock(), r.o.Lease, r.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("outbox: claim: %w", err)
	}
	claimed := r.o.Clock()
	work := context.WithoutCancel(ctx)
	for i, m := range ms {
		if ctx.Err() != nil { // shutting down: stop after the current message
			r.release(work, ms[i:], "the relay stopped before this attempt")
			break
		}
		if r.o.Clock().Sub(claimed) > r.o.Lease-DefaultSMTPTimeout {
			// Too little of the lease is left for a whole delivery: another
			// relay may claim the rest before we are done and send them too.
			r.release(work, ms[i:], "lease ran short before this attempt")
			break
		}
		r.attempt(work, m)
	}
	return len(ms), nil
}

// release hands claimed messages back, due at once, for the next claim.
func (r *Relay) release(ctx context.Context, ms []*parley.Message, why string) {
	for _, m := range ms {
		if err := r.store.RetryMessage(ctx, m.ID, r.o.Owner, r.o.Clock(), why); err != nil {
			r.o.Logger.Warn("outbox: releasing a message", "message", m.ID, "err", err)
		}
	}
}

// attempt sends one claimed message and records the outcome.
func (r *Relay) attempt(ctx context.Context, m *parley.Message) {
	log := r.o.Logger.With("message", m.ID, "attempt", m.Attempts)
	err := r.send(ctx, m)
	now := r.o.Clock()
	var markErr error
	switch {
	case err == nil:
		markErr = r.store.MarkMessageSent(ctx, m.ID, r.o.Owner, now)
		log.Debug("outbox: sent")
	case Permanent(err) || parley.ErrorCode(err) == parley.EINVALID || m.Attempts >= r.o.MaxAttempts:
		markErr = r.store.FailMessage(ctx, m.ID, r.o.Owner, now, reason(err))
		log.Error("outbox: gave up on a message", "err", err)
	default:
		next := now.Add(r.Backoff(m.Attempts))
		markErr = r.store.RetryMessage(ctx, m.ID, r.o.Owner, next, reason(err))
		log.Warn("outbox: attempt failed; will retry", "err", err, "next", next)
	}
	if markErr != nil {
		// the lease ends and another attempt follows; a sent message may
		// then be sent again, with the same Message-ID
		log.Error("outbox: recording the outcome", "err", markErr, "sendErr", err)
	}
}

func (r *Relay) send(ctx context.Context, m *parley.Message) error {
	if !r.o.PlainHTTP && strings.HasPrefix(m.ListUnsubscribe, "http://") {
		return parley.Errorf(parley.EINVALID, "The unsubscribe link must be https where Parley is reached over https.")
	}
	msg, err := Compose(m, r.o.From, r.o.Host, r.o.Clock())
	if err != nil {
		return err
	}
	to, _ := mail.ParseAddress(m.To) // Compose checked it
	return r.sender.Send(ctx, r.o.From.Address, to.Address, msg)
}

// reason is what the outbox keeps of an error: its text, bounded.
func reason(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "?") // PostgreSQL takes neither
}
