package pgtest

import (
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy stands between a store and the test PostgreSQL server, so that a
// test can take the database away the two ways it goes away in production:
// Cut closes every connection and refuses new ones (a crashed or restarted
// server), Stall keeps every connection, old and new, open and passes
// nothing (a stopped process, a network partition). Restore lets bytes
// through again.
type Proxy struct {
	// URL is the database URL the proxy was made for, pointing at the proxy.
	URL    string
	target string

	mu    sync.Mutex
	mode  proxyMode
	conns map[net.Conn]bool
}

type proxyMode int

const (
	passing proxyMode = iota
	cut
	stalled
)

// NewProxy starts a proxy in front of the server dbURL names (as pgtest.URL
// returns it); it stops with the test.
func NewProxy(t testing.TB, dbURL string) *Proxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("pgtest: proxy: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pgtest: proxy: %v", err)
	}
	p := &Proxy{target: u.Host, conns: map[net.Conn]bool{}}
	u.Host = ln.Addr().String()
	p.URL = u.String()
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

// Cut closes every connection and refuses new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = cut
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Stall keeps every connection open and passes nothing until Restore;
// connections made meanwhile are accepted and never answered.
func (p *Proxy) Stall() { p.set(stalled) }

// Restore passes bytes again; connections cut or stalled stay dead.
func (p *Proxy) Restore() { p.set(passing) }

func (p *Proxy) set(m proxyMode) {
	p.mu.Lock()
	p.mode = m
	p.mu.Unlock()
}

// keep records c unless the proxy is cut, and says what to do with it.
func (p *Proxy) keep(c net.Conn) proxyMode {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != cut {
		p.conns[c] = true
	}
	return p.mode
}

func (p *Proxy) serve(c net.Conn) {
	switch p.keep(c) {
	case cut:
		c.Close()
		return
	case stalled:
		return // held open, never answered
	}
	s, err := net.Dial("tcp", p.target)
	if err != nil || p.keep(s) == cut {
		c.Close()
		return
	}
	go p.copy(s, c)
	p.copy(c, s)
}

// copy passes bytes from src to dst until the connection ends or the
// proxy stalls, when the bytes are swallowed and both ends stay open.
func (p *Proxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		mode := p.mode
		p.mu.Unlock()
		if err != nil || mode == stalled {
			if err != nil {
				dst.Close()
			}
			return
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			src.Close()
			return
		}
	}
}
