package service

import (
	"sync"
	"time"
)

// Every write needs its site, which changes rarely, so reading it from the
// database on each request would be among the most frequent queries Parley
// makes. (The user behind a commenter token is cached by internal/auth.)
// The TTL bounds how long a change made on another instance takes to reach
// this one.
const (
	siteTTL    = 10 * time.Second
	maxEntries = 10000 // per cache; a full cache starts over
)

// ttlCache keeps values in memory for a while. get returns a copy, so
// callers may change what they get freely.
type ttlCache[T any] struct {
	ttl     time.Duration
	now     func() time.Time // the service's clock
	mu      sync.Mutex
	entries map[string]cached[T]
}

type cached[T any] struct {
	value T
	at    time.Time
}

func newTTLCache[T any](ttl time.Duration, now func() time.Time) *ttlCache[T] {
	return &ttlCache[T]{ttl: ttl, now: now, entries: make(map[string]cached[T])}
}

func (c *ttlCache[T]) get(key string) (*T, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || c.now().Sub(e.at) > c.ttl {
		return nil, false
	}
	return &e.value, true
}

func (c *ttlCache[T]) put(key string, v *T) {
	c.mu.Lock()
	if len(c.entries) >= maxEntries {
		c.entries = make(map[string]cached[T])
	}
	c.entries[key] = cached[T]{value: *v, at: c.now()}
	c.mu.Unlock()
}

func (c *ttlCache[T]) drop(key string) {
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}

func (c *ttlCache[T]) clear() {
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}
