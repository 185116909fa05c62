package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"parley"
)

// NATSBus is the parley.Bus of a fleet: instances on one database that
// hear of each other's changes through NATS. It wraps the in-process Bus,
// so that a write's own instance has caught up when the write returns,
// and forwards every event to the other instances, which deliver it to
// their subscribers. NATS is only ever a shortcut: an event it loses costs
// a resync (EventMissed), never a comment, since the event log in the
// database stays the truth. While NATS is unreachable the bus reads that
// log itself (see fallback) and publishes what other instances committed,
// so that live readers and page caches keep up at a second's delay.
// Create it with NewNATSBus; Close it when done.
type NATSBus struct {
	local  *Bus
	nc     *nats.Conn
	id     string // this instance, in every message it sends
	prefix string
	log    *slog.Logger
	events EventLog // nil: no fallback
	poll   time.Duration

	out    chan outgoing // to the sender, so that Publish never waits for the network
	quit   chan struct{}
	sent   chan struct{} // closed when the sender has finished
	closed atomic.Bool
	down   atomic.Bool // since a disconnect, or a start without NATS

	mu     sync.Mutex
	groups map[string]*subjectGroup // by subject
	fall   *fallback                // running while disconnected; nil otherwise

	stats natsCounters
}

// EventLog is what the bus reads while NATS is unreachable: the whole
// log, one query for every story (as the hub's reader does).
type EventLog interface {
	LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]parley.StoredEvent, error)
	NewestEventID(ctx context.Context) (int64, error)
}

// NATSOptions configure NewNATSBus.
type NATSOptions struct {
	URL    string // nats://host:port, comma-separated for a cluster
	Name   string // the connection's name in the server's monitoring
	Prefix string // of every subject; "" is "parley". Tests use their own.
	Log    *slog.Logger
	// Events is read while disconnected; nil for a bus that only
	// publishes (a management command), which has no subscribers to
	// keep current.
	Events EventLog
	// Poll is how often the log is read while disconnected; 0 is a second.
	Poll time.Duration
}

const (
	defaultPrefix       = "parley"
	fallbackPoll        = time.Second
	outgoingBuffer      = 8192 // events waiting for the sender; beyond, they are counted as failed
	closeFlushLimit     = 2 * time.Second
	subscribeFlushLimit = 2 * time.Second
)

// outgoing is an event waiting to be sent, with the time it was published.
type outgoing struct {
	ev parley.Event
	at time.Time
}

// subjectGroup is one NATS subscription and the local subscriptions that
// share its subject: a message is delivered once to each of them, however
// many overlapping subjects the instance listens on.
type subjectGroup struct {
	sub  *nats.Subscription
	bus  *Bus
	refs int
}

// NewNATSBus connects to NATS. An unreachable server is not an error: the
// bus starts disconnected, reads the event log from its end (found before
// NewNATSBus returns, so that nothing a subscriber is owed is missed), and
// connects when it can.
func NewNATSBus(ctx context.Context, opts NATSOptions) (*NATSBus, error) {
	b := &NATSBus{local: NewBus(), id: instanceID(), prefix: opts.Prefix, log: opts.Log, events: opts.Events, poll: opts.Poll,
		out: make(chan outgoing, outgoingBuffer), quit: make(chan struct{}), sent: make(chan struct{}),
		groups: make(map[string]*subjectGroup)}
	if b.prefix == "" {
		b.prefix = defaultPrefix
	}
	if b.poll <= 0 {
		b.poll = fallbackPoll
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	nc, err := nats.Connect(opts.URL, nats.Name(opts.Name),
		nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		// A server that vanished without closing the connection is
		// noticed within about 15 s (the default is minutes), and the
		// log is read from then on.
		nats.PingInterval(5*time.Second), nats.MaxPingsOutstanding(2),
		// Nothing is kept for later while disconnected: what other
		// instances miss then, they read from the log or resync.
		nats.ReconnectBufSize(-1),
		// The server does not send us what we publish (our subscribers
		// had it when it was published); the sender's ID in every
		// message still guards against an echo.
		nats.NoEcho(),
		nats.ConnectHandler(b.onConnect), nats.ReconnectHandler(b.onConnect),
		nats.DisconnectErrHandler(b.onDisconnect), nats.ErrorHandler(b.onError))
	if err != nil {
		return nil, fmt.Errorf("nats %s: %w", redactURLs(opts.URL), err)
	}
	b.nc = nc
	if _, err := nc.Subscribe(b.prefix+"."+missedToken, b.receiveMissed); err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats subscribe: %w", err)
	}
	b.stats.connected.Store(nc.IsConnected())
	if !nc.IsConnected() {
		b.down.Store(true)
		b.log.Warn("nats unreachable: reading the event log until it is back", "url", redactURLs(opts.URL))
		b.startFallback(b.initialCursor(ctx))
	} else {
		b.log.Info("nats bus up", "url", nc.ConnectedUrlRedacted(), "prefix", b.prefix)
	}
	go b.send()
	return b, nil
}

// initialCursor is where the log's reader of a bus that starts without
// NATS begins; nil (find it later, and resync) if the log does not answer.
func (b *NATSBus) initialCursor(ctx context.Context) *logCursor {
	if b.events == nil {
		return nil
	}
	c, err := b.logEnd(ctx)
	if err != nil {
		b.log.WarnContext(ctx, "nats fallback: the newest event", "err", err)
	}
	return c
}

// redactURLs hides the passwords of a comma-separated list of URLs, for
// logs and errors.
func redactURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil {
			parts[i] = u.Redacted()
		} else {
			parts[i] = "(not a URL)"
		}
	}
	return strings.Join(parts, ",")
}

// instanceID names this bus in its messages, to skip its own echo.
func instanceID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Publish delivers ev to this instance's subscribers, then hands it to
// the sender for the others. It never waits for NATS and never fails: a
// change stands whether or not the fleet hears of it, and what it does
// not hear it catches up on (see NATSBus).
func (b *NATSBus) Publish(ctx context.Context, ev parley.Event) error {
	b.local.Publish(ctx, ev)
	if ev.Type == parley.EventMissed || b.closed.Load() {
		return nil
	}
	select {
	case b.out <- outgoing{ev: ev, at: time.Now()}:
	default:
		b.stats.failed.Add(1)
	}
	return nil
}

// send publishes the queued events on NATS in order, until Close; then
// it sends what is left and flushes.
func (b *NATSBus) send() {
	defer close(b.sent)
	for {
		select {
		case o := <-b.out:
			b.sendOne(o)
		case <-b.quit:
			for {
				select {
				case o := <-b.out:
					b.sendOne(o)
				default:
					if err := b.nc.FlushTimeout(closeFlushLimit); err != nil && b.nc.IsConnected() {
						b.log.Warn("nats flush", "err", err)
					}
					return
				}
			}
		}
	}
}

func (b *NATSBus) sendOne(o outgoing) {
	if !b.nc.IsConnected() {
		b.stats.failed.Add(1)
		return
	}
	data, err := encodeWire(b.id, o.at, o.ev)
	if err != nil {
		b.stats.failed.Add(1)
		return
	}
	// Counted before it leaves, so that whoever received it sees it counted.
	b.stats.out.Add(1)
	if err := b.nc.Publish(eventSubject(b.prefix, o.ev), data); err != nil {
		b.stats.out.Add(^uint64(0))
		b.stats.failed.Add(1)
	}
}

// Subscribe calls fn with the events published on t by this instance and
// by the others, one call at a time.
func (b *NATSBus) Subscribe(t parley.Topic, fn func(parley.Event)) (unsubscribe func(), err error) {
	s := &subscription{topic: t, fn: fn}
	subject := topicSubject(b.prefix, t)
	b.mu.Lock()
	g := b.groups[subject]
	fresh := g == nil
	if fresh {
		g = &subjectGroup{bus: NewBus()}
		if g.sub, err = b.nc.Subscribe(subject, func(m *nats.Msg) { b.receive(g, m) }); err != nil {
			b.mu.Unlock()
			return nil, fmt.Errorf("nats subscribe %s: %w", subject, err)
		}
		b.groups[subject] = g
	}
	g.refs++
	// Both buses deliver through s, whose lock keeps their calls apart.
	remote, _ := g.bus.Subscribe(t, s.deliver)
	b.mu.Unlock()
	local, _ := b.local.Subscribe(t, s.deliver)
	if fresh && b.nc.IsConnected() {
		// Once the server has the subscription, whatever another
		// instance publishes from now on reaches it.
		if err := b.nc.FlushTimeout(subscribeFlushLimit); err != nil {
			b.log.Warn("nats subscribe: flush", "subject", subject, "err", err)
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.gone.Store(true)
			local()
			remote()
			b.release(subject, g)
		})
	}, nil
}

// release drops a reference to g, and its NATS subscription with the last.
func (b *NATSBus) release(subject string, g *subjectGroup) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if g.refs--; g.refs > 0 || b.groups[subject] != g {
		return
	}
	delete(b.groups, subject)
	if err := g.sub.Unsubscribe(); err != nil && !b.closed.Load() {
		b.log.Warn("nats unsubscribe", "subject", subject, "err", err)
	}
}

// receive delivers a message from another instance to g's subscribers. A
// message that is not a well-formed event is logged and dropped.
func (b *NATSBus) receive(g *subjectGroup, m *nats.Msg) {
	w, err := decodeWire(b.prefix, m.Subject, m.Data)
	if err != nil {
		b.stats.dropped.Add(1)
		b.log.Warn("nats: dropped a message", "subject", m.Subject, "err", err)
		return
	}
	if w.From == b.id {
		return // delivered when published
	}
	b.stats.in.Add(1)
	b.stats.lag.Store(int64(time.Since(time.UnixMicro(w.At))))
	g.bus.Publish(context.Background(), w.event())
}

// receiveMissed is told by another instance that it was cut off: what it
// published meanwhile never came, so every subscriber resyncs.
func (b *NATSBus) receiveMissed(m *nats.Msg) {
	w, err := decodeWire(b.prefix, m.Subject, m.Data)
	if err != nil {
		b.stats.dropped.Add(1)
		b.log.Warn("nats: dropped a message", "subject", m.Subject, "err", err)
		return
	}
	if w.From != b.id {
		b.local.Publish(context.Background(), parley.Event{Type: parley.EventMissed})
	}
}

// onConnect runs when the connection is up, first or again: the log's
// reader stops, and since events may have been lost in between, every
// subscriber here resyncs and so does every other instance.
func (b *NATSBus) onConnect(nc *nats.Conn) {
	b.stats.connected.Store(true)
	if b.closed.Load() || !b.down.Swap(false) {
		return // the first connection: nothing was missed
	}
	// The subscriptions were sent again before this callback; once the
	// server has answered a ping after them, it routes everything that
	// others publish to us, and the resync below misses nothing.
	if err := nc.FlushTimeout(subscribeFlushLimit); err != nil {
		b.log.Warn("nats reconnect: flush", "err", err)
	}
	b.stopFallback()
	b.log.Info("nats connected", "url", nc.ConnectedUrlRedacted())
	b.local.Publish(context.Background(), parley.Event{Type: parley.EventMissed})
	if data, err := encodeWire(b.id, time.Now(), parley.Event{Type: parley.EventMissed}); err == nil {
		if err := nc.Publish(b.prefix+"."+missedToken, data); err != nil {
			b.log.Warn("nats: ask the fleet to resync", "err", err)
		}
	}
}

// onDisconnect runs when the connection is lost: the bus reads the log
// until it is back.
func (b *NATSBus) onDisconnect(_ *nats.Conn, err error) {
	if b.closed.Load() {
		return
	}
	b.stats.connected.Store(false)
	b.down.Store(true)
	b.log.Warn("nats disconnected: reading the event log until it is back", "err", err)
	b.startFallback(nil)
}

// onError hears of asynchronous errors; a slow consumer has lost messages.
func (b *NATSBus) onError(_ *nats.Conn, sub *nats.Subscription, err error) {
	if errors.Is(err, nats.ErrSlowConsumer) {
		b.stats.dropped.Add(1)
		b.local.Publish(context.Background(), parley.Event{Type: parley.EventMissed})
	}
	b.log.Warn("nats", "err", err)
}

// Close stops the log's reader, sends what is still queued and closes the
// connection. Publish after Close only reaches this instance.
func (b *NATSBus) Close() {
	if b.closed.Swap(true) {
		return
	}
	b.stopFallback()
	close(b.quit)
	<-b.sent
	if n := b.stats.failed.Load(); n > 0 {
		b.log.Warn("nats: events not sent; other instances catch up on them by their caches' TTLs or by the log", "events", n)
	}
	b.nc.Close()
}
