package web

import (
	"net/http"
	"net/netip"
	"time"

	"parley"
	"parley/internal/moderation"
)

// ClientAddr is the address a request came from, as the limits count it:
// the one WithClientAddress found (the connection's peer, or the client a
// trusted proxy names), else ClientIP with trusted, for the requests the
// middleware leaves alone (reads, and tests that call a handler without
// it). IPv6 clients count by their /64,
// which one household or server holds whole, so that hopping addresses
// within it buys nothing.
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	ip := parley.AddressFrom(r.Context())
	if !ip.IsValid() {
		ip = ClientIP(r, trusted)
	}
	return AddressKey(ip)
}

// AddressKey is what a limit counts ip under: ip itself, its /64 if IPv6
// (IPv4-mapped addresses are IPv4).
func AddressKey(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr()
	}
	return ip
}

// ClientLimits keeps a token bucket per client address, for the sign-in
// routes that write without credentials: nothing but the caller's address
// stands between a flood and a table full of rows. Its buckets are
// moderation.Buckets, bounded and per instance. Create it with
// NewClientLimits.
type ClientLimits struct {
	burst   int
	every   time.Duration
	buckets *moderation.Buckets[netip.Addr]
}

// NewClientLimits lets each client make burst requests at once and one
// more every every after that, remembering at most max clients.
func NewClientLimits(burst int, every time.Duration, max int) *ClientLimits {
	return &ClientLimits{burst: burst, every: every, buckets: moderation.NewBuckets[netip.Addr](max)}
}

// Allow takes one request of client at now from its bucket, or returns
// ETOOMANYREQUESTS (signInTooFast) with the wait until it may.
func (c *ClientLimits) Allow(client netip.Addr, now time.Time) error {
	if wait := c.buckets.Take(now, c.burst, c.every, client); wait > 0 {
		return parley.TooManyRequests("signInTooFast", "Too many sign-in requests from your address; wait a little and try again.", wait)
	}
	return nil
}
