package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"parley"
)

// ClientIP returns the address of the client that made r: the host of
// r.RemoteAddr, or, when that is a proxy in trusted, the last address in
// X-Forwarded-For that is not one of trusted (proxies append the address
// they were reached from, so only the entries our own proxies wrote can
// be believed, read from the right; anything further left is whatever the
// client chose to send). A malformed entry stops the walk at the hop
// that wrote it. The zero Addr when RemoteAddr is not an address (a test
// request, a Unix socket).
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseHop(r.RemoteAddr)
	if !addr.IsValid() {
		return netip.Addr{}
	}
	if !within(addr, trusted) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseHop(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			return addr
		}
		addr = hop
		if !within(addr, trusted) {
			return addr
		}
	}
	return addr
}

// parseHop reads "1.2.3.4", "1.2.3.4:5", "[::1]:5" or "::1" as an
// address without zone, IPv4 in IPv6 as IPv4.
func parseHop(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func within(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// WithClientAddress puts the client address (ClientIP) of each request
// that may write into its context (parley.WithAddress), for the writes
// that keep a keyed hash of it and the limits that count clients. Reads
// (GET, HEAD, OPTIONS) are left alone: the address costs them three
// allocations out of thirty on a cached page 1, for nothing; the one read
// that writes (the OIDC start) asks ClientAddr with the trusted proxies
// itself. The address is never logged or stored.
func WithClientAddress(next http.Handler, trusted []netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if addr := ClientIP(r, trusted); addr.IsValid() {
			r = r.WithContext(parley.WithAddress(r.Context(), addr))
		}
		next.ServeHTTP(w, r)
	})
}

// safeMethod reports whether method only reads (RFC 9110 §9.2.1).
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}
