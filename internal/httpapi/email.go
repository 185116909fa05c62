package httpapi

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"parley"
	"parley/internal/service"
	"parley/internal/web"
)

// Each client may ask for clientBurst sign-in links at once and one more
// every clientEvery after that: enough for a reader who mistyped their
// address twice, too few to mail-bomb anyone from one address (the limit
// per recipient, in the database, stops many clients at once).
const (
	clientBurst       = 5
	clientEvery       = 20 * time.Second
	maxLimitedClients = 10000
)

type emailLinkRequest struct {
	Email  string `json:"email"`
	Lang   string `json:"lang"`
	Return string `json:"return"`
}

// emailLink mails a sign-in link. It answers 202 {} for every well-formed
// address, known or not, so that nobody learns who has an account here.
func (a *API) emailLink(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req emailLinkRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	limit := func() error { return a.clients.allow(clientAddr(r), time.Now()) }
	in := service.EmailLinkRequest{SiteID: siteID, Email: req.Email, Lang: req.Lang, Return: req.Return, Limit: limit}
	if err := a.svc.RequestEmailLink(r.Context(), in); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, struct{}{})
	return nil
}

type signInCodeRequest struct {
	Code string `json:"code"`
}

// signInCode exchanges a one-time sign-in code for a session; the answer
// is the one every sign-in gives.
func (a *API) signInCode(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req signInCodeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := a.svc.ExchangeSignInCode(r.Context(), siteID, req.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, signedInResponse{Session: in.Session, ExpiresAt: in.ExpiresAt, User: newUserJSON(in.User)})
	return nil
}

// clientAddr is the address a request came from, as the limits count it:
// the one web.WithClientAddress found (the connection's peer, or the
// client a trusted proxy names), else the peer. IPv6 clients count by
// their /64, which one household or server holds whole.
func clientAddr(r *http.Request) netip.Addr {
	ip := parley.AddressFrom(r.Context())
	if !ip.IsValid() {
		ip = web.ClientIP(r, nil)
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr()
	}
	return ip
}

// clientLimits keeps a token bucket per client address. The map is
// bounded: when it is full, the clients whose bucket has refilled (who
// would be allowed anyway) are forgotten, and if that frees nothing it
// starts over, so that a flood of distinct addresses costs at most
// maxLimitedClients buckets of memory.
type clientLimits struct {
	mu      sync.Mutex
	max     int
	buckets map[netip.Addr]*rate.Limiter
}

func newClientLimits(max int) *clientLimits {
	return &clientLimits{max: max, buckets: map[netip.Addr]*rate.Limiter{}}
}

// allow takes one request of client at now from its bucket, or returns
// ETOOMANYREQUESTS (signInTooFast) with the wait until it may.
func (c *clientLimits) allow(client netip.Addr, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.buckets[client]
	if !ok {
		if len(c.buckets) >= c.max {
			c.forget(now)
		}
		b = rate.NewLimiter(rate.Every(clientEvery), clientBurst)
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
func (c *clientLimits) forget(now time.Time) {
	for k, b := range c.buckets {
		if b.TokensAt(now) >= clientBurst {
			delete(c.buckets, k)
		}
	}
	if len(c.buckets) >= c.max {
		clear(c.buckets)
	}
}
