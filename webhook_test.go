package parley

import (
	"net/netip"
	"testing"
)

func TestCheckWebhookURL(t *testing.T) {
	for _, tc := range []struct {
		url     string
		private bool
		ok      bool
	}{
		{"https://hooks.example.com/parley?x=1", false, true},
		{"https://93.184.216.34/hook", false, true},
		{"http://hooks.example.com/parley", false, false},
		{"http://127.0.0.1:8080/hook", true, true},
		{"https://127.0.0.1/hook", false, false},
		{"https://[::1]/hook", false, false},
		{"https://[::ffff:10.0.0.1]/hook", false, false},
		{"https://10.1.2.3/hook", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false},
		{"https://100.64.0.1/", false, false},
		{"https://[fd00::1]/", false, false},
		{"https://[64:ff9b::a00:1]/", false, false},
		{"https://localhost/hook", false, false},
		{"https://api.localhost/hook", false, false},
		{"https://localhost./hook", false, false},
		{"https://user:pw@hooks.example.com/", false, false},
		{"https://hooks.example.com/#frag", false, false},
		{"ftp://hooks.example.com/", false, false},
		{"/relative", false, false},
		{"https:opaque", false, false},
		{"", false, false},
		{"javascript:alert(1)", true, false},
	} {
		_, err := CheckWebhookURL(tc.url, tc.private)
		if (err == nil) != tc.ok {
			t.Errorf("CheckWebhookURL(%q, private %v) = %v, want ok %v", tc.url, tc.private, err, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CheckWebhookURL(%q) code = %s, want invalid", tc.url, ErrorCode(err))
		}
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true, "127.0.0.1": false, "10.0.0.1": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "0.0.0.0": false, "::": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "100.100.100.100": false,
		"198.18.0.1": false, "255.255.255.255": false, "64:ff9b::7f00:1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}
