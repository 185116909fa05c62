package httpapi

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"parley"
	"parley/internal/netlimit"
	"parley/internal/web"
)

// streamRetry is when a client refused a live stream may ask again: live
// updates are a bonus, and the reader's other pages free their streams as
// they close.
const streamRetry = 30 * time.Second

// WithLiveLimit bounds the live streams one client address holds at once
// to n (0: no bound), the address read through the proxies in trusted as
// everywhere else. A stream never ends by itself, so without a bound one
// client could hold as many connections as the server has file
// descriptors; the connection limits (internal/netlimit) do not see the
// clients behind a proxy, this bound does. Internal addresses (loopback,
// private networks, link-local) are not counted: they are this host, or a
// proxy or load balancer that nobody declared in trusted, and carry many
// readers.
func WithLiveLimit(n int, trusted []netip.Prefix) Option {
	return func(a *API) { a.streams = &streamSlots{held: netlimit.NewTally(n), trusted: trusted} }
}

// streamSlots counts the live streams each client address holds.
type streamSlots struct {
	held    *netlimit.Tally
	trusted []netip.Prefix
}

// take holds a stream's place for r's client until release is called, or
// refuses with ETOOMANYREQUESTS (liveTooMany) when the client holds its
// bound already.
func (s *streamSlots) take(r *http.Request) (release func(), err error) {
	if s == nil {
		return func() {}, nil
	}
	addr := web.ClientAddr(r, s.trusted)
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() {
		return func() {}, nil
	}
	if !s.held.Take(addr) {
		return nil, parley.TooManyRequests("liveTooMany", "Too many live streams from your address; close some of this site's pages and try again.", streamRetry)
	}
	return sync.OnceFunc(func() { s.held.Give(addr) }), nil
}
