// Package netlimit bounds the connections a server holds at once, in all
// and per peer address. Every open connection costs a file descriptor, and
// a flood of them (idle keep-alives, live streams that never end, handshakes
// that never send a request) would otherwise take the descriptors that the
// database, the mail relay and the webhooks need, and the process would
// fail for everyone at once.
//
// A connection over a bound is still accepted, but marked: the server
// answers its first request 503 with Retry-After and closes it (Guard), so
// that a load balancer tries another instance and a browser is told
// instead of left hanging. The marked connections are bounded too
// (Options.Refusing); past that, one is closed without an answer.
package netlimit

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/web"
)

// Reasons a connection is refused, as Stats counts them.
const (
	ReasonTotal   = "total"   // the server holds Options.Max connections
	ReasonAddress = "address" // the peer holds Options.PerAddress
)

// Options bound a Listener. A zero bound is no bound.
type Options struct {
	// Max is the most connections open at once.
	Max int
	// PerAddress is the most connections one peer holds at once. IPv6
	// peers count by their /64, which one household or server holds whole.
	PerAddress int
	// Exempt are the peers PerAddress does not apply to: proxies in front
	// of the server, whose connections carry many clients, and loopback,
	// where a proxy on the same host that nobody declared would be one.
	Exempt []netip.Prefix
	// Refusing bounds the refused connections open at once; default 64.
	Refusing int
	// RefusedWait is how long a refused connection may take to send its
	// request, whatever the server's own timeouts; default 2s. A flood
	// that opens connections and says nothing thus holds the Refusing
	// places briefly, and the next reader is answered rather than dropped.
	RefusedWait time.Duration
	// Log, if set, hears of refusals: once a minute at most, since a
	// flood would otherwise flood the log too.
	Log *slog.Logger
}

// Stats is what a Listener has done since it began.
type Stats struct {
	Open     int   // connections admitted and not yet closed
	Refusing int   // refused connections not yet closed
	Max      int   // Options.Max; 0: no bound
	Total    int64 // refused because the server was full
	Address  int64 // refused because their peer was
	Dropped  int64 // of those, closed unanswered (too many being refused)
}

// Listener is a net.Listener that admits at most the connections its
// Options allow. Create it with Listen.
type Listener struct {
	net.Listener
	opts     Options
	refusing chan struct{} // a slot per refused connection still open

	open   atomic.Int64
	byPeer *Tally

	total, address, dropped atomic.Int64
	warned                  atomic.Int64 // unix nanoseconds of the last warning
}

// Listen bounds ln by o.
func Listen(ln net.Listener, o Options) *Listener {
	if o.Refusing <= 0 {
		o.Refusing = 64
	}
	if o.RefusedWait <= 0 {
		o.RefusedWait = 2 * time.Second
	}
	return &Listener{Listener: ln, opts: o, refusing: make(chan struct{}, o.Refusing), byPeer: NewTally(o.PerAddress)}
}

// Accept waits for the next connection. One over a bound comes back
// marked for Guard to refuse, or, when too many are being refused
// already, is closed and Accept waits for the next.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		peer, counted := l.peer(c)
		why := l.admit(peer, counted)
		if why == "" {
			return &conn{Conn: c, release: func() { l.leave(peer, counted) }}, nil
		}
		l.count(why)
		l.warn(why)
		select {
		case l.refusing <- struct{}{}:
			rc := &conn{Conn: c, refused: true, until: time.Now().Add(l.opts.RefusedWait), release: func() { <-l.refusing }}
			rc.SetReadDeadline(time.Time{})
			return rc, nil
		default:
			l.dropped.Add(1)
			c.Close()
		}
	}
}

// Stats returns the counts so far.
func (l *Listener) Stats() Stats {
	return Stats{Open: int(l.open.Load()), Refusing: len(l.refusing), Max: l.opts.Max, Total: l.total.Load(), Address: l.address.Load(), Dropped: l.dropped.Load()}
}

// peer returns the key c's peer counts under, and whether PerAddress
// counts it at all.
func (l *Listener) peer(c net.Conn) (netip.Addr, bool) {
	if l.opts.PerAddress <= 0 {
		return netip.Addr{}, false
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}, false // not TCP: nothing to key by
	}
	ip := ap.Addr().Unmap()
	for _, p := range l.opts.Exempt {
		if p.Contains(ip) {
			return ip, false
		}
	}
	return web.AddressKey(ip), true
}

// admit takes a place for a connection of peer, or says why there is none.
// Only Accept calls it, one connection at a time, so that the check of the
// total and its increment cannot interleave with another admit's.
func (l *Listener) admit(peer netip.Addr, counted bool) (why string) {
	if l.opts.Max > 0 && l.open.Load() >= int64(l.opts.Max) {
		return ReasonTotal
	}
	if counted && !l.byPeer.Take(peer) {
		return ReasonAddress
	}
	l.open.Add(1)
	return ""
}

// leave gives back the place of a connection admitted by admit.
func (l *Listener) leave(peer netip.Addr, counted bool) {
	l.open.Add(-1)
	if counted {
		l.byPeer.Give(peer)
	}
}

// warnEvery is the least time between two warnings of refusals.
const warnEvery = time.Minute

// warn logs that connections are refused, if it has not for warnEvery.
func (l *Listener) warn(why string) {
	now, last := time.Now().UnixNano(), l.warned.Load()
	if l.opts.Log == nil || now-last < int64(warnEvery) || !l.warned.CompareAndSwap(last, now) {
		return
	}
	st := l.Stats()
	l.opts.Log.Warn("refusing connections", "reason", why, "open", st.Open, "max", st.Max,
		"per_address", l.opts.PerAddress, "refused_total", st.Total, "refused_address", st.Address, "dropped", st.Dropped)
}

func (l *Listener) count(why string) {
	if why == ReasonTotal {
		l.total.Add(1)
	} else {
		l.address.Add(1)
	}
}

// conn is an accepted connection that gives its place back once closed.
// It keeps the optional methods of a *net.TCPConn that net/http uses: a
// half close before the final read, and sendfile for a file's bytes.
type conn struct {
	net.Conn
	refused bool
	until   time.Time // a refused connection's last moment to read in
	once    sync.Once
	release func()
}

// SetReadDeadline sets the read deadline; a refused connection's is never
// later than its until.
func (c *conn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.clamp(t))
}

// SetDeadline sets both deadlines, the read one as SetReadDeadline does.
func (c *conn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.SetReadDeadline(t)
}

func (c *conn) clamp(t time.Time) time.Time {
	if c.refused && (t.IsZero() || t.After(c.until)) {
		return c.until
	}
	return t
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite half-closes a TCP connection, as net/http does before it
// closes one for good, so that the peer reads the whole response.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps sendfile for the response bodies net/http copies.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

type refusedKey struct{}

// ConnContext is the http.Server's ConnContext for a Listener's
// connections: it marks the context of a refused one for Guard.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*conn); ok && lc.refused {
		return context.WithValue(ctx, refusedKey{}, true)
	}
	return ctx
}

// Refused reports whether ctx is a request's on a refused connection.
func Refused(ctx context.Context) bool {
	refused, _ := ctx.Value(refusedKey{}).(bool)
	return refused
}

// Guard answers every request on a refused connection with refuse, and
// closes the connection after it; the rest go to next.
func Guard(next http.Handler, refuse http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Refused(r.Context()) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		refuse(w, r)
	})
}

// MaxFor is the Max for a process whose limit of open files is files: all but
// a reserve for what else the process opens (the database's files and
// connections, the mail relay, webhooks, the metrics listener), an eighth
// of the limit but at least 256 and at most 4,096; half of a limit too
// small for that. 0 (no bound) when the limit is unknown or unlimited.
func MaxFor(files uint64) int {
	const most = 1 << 24
	if files == 0 || files > most {
		return 0
	}
	reserve := min(max(files/8, 256), 4096)
	if files < 2*reserve {
		return int(files / 2)
	}
	return int(files - reserve)
}

// Tally counts what each address holds at once, up to a bound: the
// connections of a peer here, the live streams of a client in the API.
type Tally struct {
	max  int
	mu   sync.Mutex
	held map[netip.Addr]int
}

// NewTally bounds each address to max at once; max <= 0: no bound.
func NewTally(max int) *Tally { return &Tally{max: max, held: map[netip.Addr]int{}} }

// Take counts one more for addr and reports true, or reports false when
// addr holds max already.
func (t *Tally) Take(addr netip.Addr) bool {
	if t.max <= 0 {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.held[addr] >= t.max {
		return false
	}
	t.held[addr]++
	return true
}

// Give counts one less for addr, after a Take that reported true.
func (t *Tally) Give(addr netip.Addr) {
	if t.max <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := t.held[addr] - 1; n > 0 {
		t.held[addr] = n
	} else {
		delete(t.held, addr)
	}
}
