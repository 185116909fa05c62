package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"parley"
)

// TestClientLimits: a client gets burst requests at once and one more
// every every, told how long to wait in between, while another client
// still passes; a flood of distinct addresses never holds more than the
// bound of buckets.
func TestClientLimits(t *testing.T) {
	const burst, every = 5, 20 * time.Second
	c := NewClientLimits(burst, every, 4)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("203.0.113.7")
	for i := range burst {
		if err := c.Allow(ip, now); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := c.Allow(ip, now)
	if parley.ErrorKey(err) != "signInTooFast" || parley.RetryAfter(err) != every {
		t.Fatalf("request past the burst = %v (retry after %v), want signInTooFast after %v", err, parley.RetryAfter(err), every)
	}
	if err := c.Allow(netip.MustParseAddr("203.0.113.8"), now); err != nil {
		t.Errorf("another client: %v", err)
	}
	if err := c.Allow(ip, now.Add(every)); err != nil {
		t.Errorf("after every: %v", err)
	}
	for i := range 100 {
		c.Allow(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), now)
		if n := c.buckets.Len(); n > 4 {
			t.Fatalf("%d buckets after %d addresses, want at most 4", n, i+1)
		}
	}
}

// TestClientLimitsForgetsRefilled: a full map forgets the clients whose
// bucket has refilled first, and keeps the one still waiting.
func TestClientLimitsForgetsRefilled(t *testing.T) {
	c := NewClientLimits(1, time.Minute, 2)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	slow, done := netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("203.0.113.2")
	c.Allow(done, now.Add(-time.Hour))
	c.Allow(slow, now)
	c.Allow(netip.MustParseAddr("203.0.113.3"), now)
	if n := c.buckets.Len(); n != 2 {
		t.Errorf("%d buckets remembered, want 2: the waiting client and the new one, not the refilled one", n)
	}
	if err := c.Allow(slow, now); parley.ErrorKey(err) != "signInTooFast" {
		t.Errorf("the waiting client was forgotten: %v", err)
	}
}

// TestClientAddr: IPv6 clients count by their /64; IPv4 in IPv6 by the
// IPv4 address; the address WithClientAddress found wins over the peer.
func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:5123":           "203.0.113.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::",
		"[::ffff:203.0.113.7]:80":    "203.0.113.7",
		"not an address":             "invalid IP",
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		if got := ClientAddr(r, nil).String(); got != want {
			t.Errorf("ClientAddr(%q) = %s, want %s", remote, got, want)
		}
	}
	r := httptest.NewRequest("POST", "/", nil)
	r.RemoteAddr = "10.0.0.2:80"
	r = r.WithContext(parley.WithAddress(r.Context(), netip.MustParseAddr("2001:db8:9:9:1::1")))
	if got := ClientAddr(r, nil).String(); got != "2001:db8:9:9::" {
		t.Errorf("ClientAddr behind a proxy = %s, want 2001:db8:9:9::", got)
	}
}
