package httpapi

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"parley"
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
	return func(a *API) { a.streams = &streamSlots{max: n, trusted: trusted, held: map[netip.Addr]int{}} }
}

// streamSlots counts the live streams each client address holds.
type streamSlots struct {
	max     int
	trusted []netip.Prefix
	mu      sync.Mutex
	held    map[netip.Addr]int
}

// take holds a stream's place for r's client until release is called, or
// refuses with ETOOMANYREQUESTS (liveTooMany) when the client holds its
// bound already.
func (s *streamSlots) take(r *http.Request) (release func(), err error) {
	if s == nil || s.max <= 0 {
		return func() {}, nil
	}
	addr := web.ClientAddr(r, s.trusted)
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() {
		return func() {}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[addr] >= s.max {
		return nil, parley.TooManyRequests("liveTooMany", "Too many live streams from your address; close some of this site's pages and try again.", streamRetry)
	}
	s.held[addr]++
	var once sync.Once
	return func() { once.Do(func() { s.give(addr) }) }, nil
}

func (s *streamSlots) give(addr netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.held[addr] - 1; n > 0 {
		s.held[addr] = n
	} else {
		delete(s.held, addr)
	}
}
