package web

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"parley"
)

// ClientAddr is the address a request came from, as the limits count it:
// the one WithClientAddress found (the connection's peer, or the client a
// trusted proxy names), else the peer. IPv6 clients count by their /64,
// which one household or server holds whole, so that hopping addresses
// within it buys nothing.
func ClientAddr(r *http.Request) netip.Addr {
	ip := parley.AddressFrom(r.Context())
	if !ip.IsValid() {
		ip = ClientIP(r, nil)
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr()
	}
	return ip
}

// ClientLimits keeps a token bucket per client address, for the sign-in
// routes that write without credentials: nothing but the caller's address
// stands between a flood and a table full of rows. It lives in memory, per
// instance (a limit, not a record: see design §2). Create it with
// NewClientLimits.
//
// The map is bounded: when it is full, the clients whose bucket has
// refilled (who would be allowed anyway) are forgotten, and if that frees
// nothing it starts over, so that a flood of distinct addresses costs at
// most max buckets of memory.
type ClientLimits struct {
	mu      sync.Mutex
	burst   int
	every   rate.Limit
	max     int
	buckets map[netip.Addr]*rate.Limiter
}

// NewClientLimits lets each client make burst requests at once and one
// more every every after that, remembering at most max clients.
func NewClientLimits(burst int, every time.Duration, max int) *ClientLimits {
	return &ClientLimits{burst: burst, every: rate.Every(every), max: max, buckets: map[netip.Addr]*rate.Limiter{}}
}

// Allow takes one request of client at now from its bucket, or returns
// ETOOMANYREQUESTS (signInTooFast) with the wait until it may.
func (c *ClientLimits) Allow(client netip.Addr, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.buckets[client]
	if !ok {
		if len(c.buckets) >= c.max {
			c.forget(now)
		}
		b = rate.NewLimiter(c.every, c.burst)
		c.buckets[client] = b
	}
	res := b.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return parley.TooManyRequests("signInTooFast", "Too many sign-in requests from your address; wait a little and try again.", wait)
	}
	return nil
}

// forget drops the buckets that are full again, or all when none is.
func (c *ClientLimits) forget(now time.Time) {
	for k, b := range c.buckets {
		if b.TokensAt(now) >= float64(c.burst) {
			delete(c.buckets, k)
		}
	}
	if len(c.buckets) >= c.max {
		clear(c.buckets)
	}
}
