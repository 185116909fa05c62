package realtime

import (
	"context"
	"sync"
	"sync/atomic"

	"parley"
)

// Bus is the in-process parley.Bus: the whole bus of a single instance, and
// the local half of one between instances. Publish calls each matching
// handler in turn on the publisher's goroutine, so that when a write
// returns, this instance's caches have already forgotten what it changed (a
// reader who posts and reloads sees their comment). Handlers therefore must
// not block; each of ours is a map operation or a non-blocking wake, and a
// subscriber with slow work takes events through ToChannel. The bus starts
// no goroutines. Create it with NewBus.
type Bus struct {
	mu   sync.Mutex                      // serializes changes to subs
	subs atomic.Pointer[[]*subscription] // read without a lock by Publish
}

// subscription is one Subscribe. mu serializes its calls, so that a handler
// sees one event at a time, in the order Publish was called.
type subscription struct {
	topic parley.Topic
	fn    func(parley.Event)
	mu    sync.Mutex
	gone  atomic.Bool
}

// NewBus returns a bus with no subscribers.
func NewBus() *Bus {
	b := &Bus{}
	b.subs.Store(&[]*subscription{})
	return b
}

// Publish calls every subscription's handler whose topic matches ev (every
// handler for an EventMissed). It never fails.
func (b *Bus) Publish(_ context.Context, ev parley.Event) error {
	t := ev.Topic()
	for _, s := range *b.subs.Load() {
		if ev.Type == parley.EventMissed || s.topic.Matches(t) {
			s.deliver(ev)
		}
	}
	return nil
}

func (s *subscription) deliver(ev parley.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.gone.Load() {
		s.fn(ev)
	}
}

// Subscribe calls fn with every event published on t until unsubscribe is
// called. A Publish that begins after unsubscribe returns does not call
// fn; unsubscribe may be called from within fn.
func (b *Bus) Subscribe(t parley.Topic, fn func(parley.Event)) (unsubscribe func(), err error) {
	s := &subscription{topic: t, fn: fn}
	b.mu.Lock()
	old := *b.subs.Load()
	subs := append(make([]*subscription, 0, len(old)+1), old...)
	subs = append(subs, s)
	b.subs.Store(&subs)
	b.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { b.remove(s) }) }, nil
}

func (b *Bus) remove(s *subscription) {
	s.gone.Store(true)
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.subs.Load()
	subs := make([]*subscription, 0, len(old))
	for _, o := range old {
		if o != s {
			subs = append(subs, o)
		}
	}
	b.subs.Store(&subs)
}

// ToChannel returns a handler for one subscription that hands events to c
// and never blocks: an event that finds c full is dropped, and the next one
// that fits is preceded by an EventMissed, so that the consumer knows to
// start over rather than trusting a partial stream. Use it for a subscriber
// whose work is slow; a burst larger than c's buffer costs it one resync,
// never the publisher's time.
func ToChannel(c chan<- parley.Event) func(parley.Event) {
	missed := false // guarded by the subscription's serialized calls
	return func(ev parley.Event) {
		if missed {
			select {
			case c <- parley.Event{Type: parley.EventMissed}:
				missed = false
			default:
				return
			}
		}
		select {
		case c <- ev:
		default:
			missed = true
		}
	}
}
