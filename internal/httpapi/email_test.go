package httpapi

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"parley"
)

// TestClientLimits: a client gets clientBurst requests at once and one
// more every clientEvery, told how long to wait in between; a flood of
// distinct addresses never holds more than the bound of buckets.
func TestClientLimits(t *testing.T) {
	c := newClientLimits(4)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("203.0.113.7")
	for i := range clientBurst {
		if err := c.allow(ip, now); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := c.allow(ip, now)
	if parley.ErrorKey(err) != "signInTooFast" || parley.RetryAfter(err) != clientEvery {
		t.Fatalf("request past the burst = %v (retry after %v), want signInTooFast after %v", err, parley.RetryAfter(err), clientEvery)
	}
	if err := c.allow(ip, now.Add(clientEvery)); err != nil {
		t.Errorf("after clientEvery: %v", err)
	}
	for i := range 100 {
		c.allow(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), now)
		if len(c.buckets) > 4 {
			t.Fatalf("%d buckets after %d addresses, want at most 4", len(c.buckets), i+1)
		}
	}
}

// TestClientAddr: IPv6 clients count by their /64; IPv4 in IPv6 by the
// IPv4 address.
func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:5123":           "203.0.113.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::",
		"[::ffff:203.0.113.7]:80":    "203.0.113.7",
		"not an address":             "invalid IP",
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		if got := clientAddr(r).String(); got != want {
			t.Errorf("clientAddr(%q) = %s, want %s", remote, got, want)
		}
	}
}
