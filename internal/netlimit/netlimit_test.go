package netlimit_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"parley/internal/netlimit"
)

// serve runs an HTTP server on a bounded loopback listener: 200 "ok" for
// admitted connections, 503 "full" for refused ones.
func serve(t *testing.T, o netlimit.Options) (*netlimit.Listener, string) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := netlimit.Listen(inner, o)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	full := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "full", http.StatusServiceUnavailable)
	}
	srv := &http.Server{Handler: netlimit.Guard(ok, full), ConnContext: netlimit.ConnContext, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, inner.Addr().String()
}

// client is one keep-alive connection that sends GETs by hand, so that the
// test knows which connection each answer came on.
type client struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

// get sends a GET and returns the answer's status, body and whether the
// server closed the connection after it.
func (c *client) get() (status int, body string, closed bool) {
	c.t.Helper()
	if _, err := io.WriteString(c.c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.t.Fatalf("read response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
		c.t.Error("a refusal without Retry-After")
	}
	// The server closes a refused connection right after the answer; an
	// admitted one stays open and says nothing more.
	c.c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = c.r.ReadByte()
	c.c.SetDeadline(time.Now().Add(10 * time.Second))
	return resp.StatusCode, strings.TrimSpace(string(b)), err == io.EOF
}

// closedUnanswered reports whether the server closes the connection
// without a word, waiting up to a second.
func (c *client) closedUnanswered() bool {
	c.c.SetReadDeadline(time.Now().Add(time.Second))
	defer c.c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := c.r.ReadByte()
	return err == io.EOF
}

// TestMax: past Max connections a connection's request is answered 503
// and the connection closed, and a place that frees up is taken again.
func TestMax(t *testing.T) {
	ln, addr := serve(t, netlimit.Options{Max: 2})
	a, b := dial(t, addr), dial(t, addr)
	for _, c := range []*client{a, b} {
		if status, _, closed := c.get(); status != http.StatusOK || closed {
			t.Fatalf("admitted connection: status %d, closed %v", status, closed)
		}
	}
	third := dial(t, addr)
	if status, body, closed := third.get(); status != http.StatusServiceUnavailable || body != "full" || !closed {
		t.Fatalf("third connection: status %d %q, closed %v; want 503 full, closed", status, body, closed)
	}
	if st := ln.Stats(); st.Open != 2 || st.Total != 1 || st.Address != 0 || st.Max != 2 {
		t.Errorf("stats %+v, want 2 open, 1 refused for the total", st)
	}
	a.c.Close()
	waitOpen(t, ln, 1)
	if status, _, _ := dial(t, addr).get(); status != http.StatusOK {
		t.Errorf("after a close: status %d, want 200", status)
	}
	if status, _, closed := b.get(); status != http.StatusOK || closed {
		t.Errorf("the admitted connection afterwards: status %d, closed %v", status, closed)
	}
}

// TestPerAddress: one peer holds at most PerAddress connections, unless it
// is exempt.
func TestPerAddress(t *testing.T) {
	t.Run("counted", func(t *testing.T) {
		ln, addr := serve(t, netlimit.Options{PerAddress: 1})
		first := dial(t, addr)
		if status, _, _ := first.get(); status != http.StatusOK {
			t.Fatalf("first connection: %d", status)
		}
		if status, _, closed := dial(t, addr).get(); status != http.StatusServiceUnavailable || !closed {
			t.Fatalf("second connection of the peer: status %d, closed %v; want 503, closed", status, closed)
		}
		if st := ln.Stats(); st.Address != 1 || st.Total != 0 {
			t.Errorf("stats %+v, want 1 refused for the address", st)
		}
		first.c.Close()
		waitOpen(t, ln, 0)
		if status, _, _ := dial(t, addr).get(); status != http.StatusOK {
			t.Errorf("once the first closed: %d, want 200", status)
		}
	})
	t.Run("exempt", func(t *testing.T) {
		_, addr := serve(t, netlimit.Options{PerAddress: 1, Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		for i := range 3 {
			if status, _, _ := dial(t, addr).get(); status != http.StatusOK {
				t.Fatalf("connection %d of an exempt peer: %d", i, status)
			}
		}
	})
}

// TestRefusingBounded: the refused connections waiting for their answer
// are bounded; past that, one is closed at once without an answer.
func TestRefusingBounded(t *testing.T) {
	ln, addr := serve(t, netlimit.Options{Max: 1, Refusing: 1, RefusedWait: 10 * time.Second})
	dial(t, addr).get()
	waiting := dial(t, addr) // refused, and says nothing yet: it holds the one slot
	waitStat(t, ln, func(st netlimit.Stats) bool { return st.Total == 1 })
	if !dial(t, addr).closedUnanswered() {
		t.Fatal("a connection past the refusing bound was not closed")
	}
	if st := ln.Stats(); st.Dropped != 1 || st.Total != 2 {
		t.Errorf("stats %+v, want 2 refused, 1 of them dropped", st)
	}
	if status, _, _ := waiting.get(); status != http.StatusServiceUnavailable {
		t.Errorf("the waiting refused connection: %d, want 503", status)
	}
	waiting.c.Close()
	waitStat(t, ln, func(st netlimit.Stats) bool { return st.Refusing == 0 })
	if status, _, _ := dial(t, addr).get(); status != http.StatusServiceUnavailable {
		t.Errorf("a refused connection once the slot is free: %d, want 503", status)
	}
}

func waitOpen(t *testing.T, ln *netlimit.Listener, n int) {
	t.Helper()
	waitStat(t, ln, func(st netlimit.Stats) bool { return st.Open == n })
}

func waitStat(t *testing.T, ln *netlimit.Listener, ok func(netlimit.Stats) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(ln.Stats()); {
		if time.Now().After(deadline) {
			t.Fatalf("stats stay %+v", ln.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMaxFor(t *testing.T) {
	for _, tt := range []struct {
		files uint64
		want  int
	}{
		{0, 0}, {1 << 40, 0}, {100, 50}, {1024, 768}, {20000, 17500}, {65536, 61440}, {1 << 20, 1<<20 - 4096},
	} {
		if got := netlimit.MaxFor(tt.files); got != tt.want {
			t.Errorf("MaxFor(%d) = %d, want %d", tt.files, got, tt.want)
		}
	}
}

// TestRefusedWait: a refused connection that says nothing is closed after
// RefusedWait, long before the server's own header timeout, and its place
// among the refusing is free again.
func TestRefusedWait(t *testing.T) {
	ln, addr := serve(t, netlimit.Options{Max: 1, Refusing: 1, RefusedWait: 300 * time.Millisecond})
	dial(t, addr).get()
	silent := dial(t, addr)
	start := time.Now()
	silent.c.SetReadDeadline(time.Now().Add(4 * time.Second)) // the server's header timeout is 5s
	if _, err := silent.r.ReadByte(); err != io.EOF {
		t.Fatalf("a silent refused connection: %v, want closed", err)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("closed after %v, before its wait of 300ms", took)
	}
	waitStat(t, ln, func(st netlimit.Stats) bool { return st.Refusing == 0 })
	if status, _, _ := dial(t, addr).get(); status != http.StatusServiceUnavailable {
		t.Errorf("the next refused connection: %d, want 503", status)
	}
}
