package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"parley"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"direct", "203.0.113.7:4711", nil, nil, "203.0.113.7"},
		{"direct ignores the header", "203.0.113.7:4711", []string{"198.51.100.1"}, proxies, "203.0.113.7"},
		{"no proxies trusted", "10.0.0.2:80", []string{"198.51.100.1"}, nil, "10.0.0.2"},
		{"one proxy", "10.0.0.2:80", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"a forged left part", "10.0.0.2:80", []string{"1.1.1.1, 198.51.100.1"}, proxies, "198.51.100.1"},
		{"two proxies", "10.0.0.2:80", []string{"198.51.100.1, 10.0.0.9"}, proxies, "198.51.100.1"},
		{"headers in order", "10.0.0.2:80", []string{"1.1.1.1", "198.51.100.1"}, proxies, "198.51.100.1"},
		{"all trusted", "10.0.0.2:80", []string{"10.0.0.3"}, proxies, "10.0.0.3"},
		{"no header", "10.0.0.2:80", nil, proxies, "10.0.0.2"},
		{"garbage stops the walk", "10.0.0.2:80", []string{"198.51.100.1, nonsense"}, proxies, "10.0.0.2"},
		{"hop with port", "10.0.0.2:80", []string{"198.51.100.1:1234"}, proxies, "198.51.100.1"},
		{"ipv6", "[fd00::1]:80", []string{"2001:db8::5"}, proxies, "2001:db8::5"},
		{"ipv6 with zone", "[fe80::1%eth0]:80", nil, nil, "fe80::1"},
		{"mapped ipv4", "[::ffff:203.0.113.7]:80", nil, nil, "203.0.113.7"},
		{"not an address", "pipe", nil, proxies, "invalid IP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tc.trusted).String(); got != tc.want {
				t.Errorf("ClientIP = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestWithClientAddress: a request that may write carries its client's
// address, as a trusted proxy names it; a read carries none.
func TestWithClientAddress(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	var got netip.Addr
	h := WithClientAddress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = parley.AddressFrom(r.Context())
	}), trusted)
	for method, want := range map[string]string{"POST": "198.51.100.1", "DELETE": "198.51.100.1", "GET": "invalid IP", "HEAD": "invalid IP"} {
		r := httptest.NewRequest(method, "/", nil)
		r.RemoteAddr = "10.0.0.2:80"
		r.Header.Set("X-Forwarded-For", "198.51.100.1")
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got.String() != want {
			t.Errorf("%s: address %s, want %s", method, got, want)
		}
	}
}
