// Package natstest gives tests a NATS server: the machine's shared one,
// for tests that only need messages to flow, or one of their own, for
// tests that stop and restart it.
//
// The shared server is the one in PARLEY_TEST_NATS, a nats:// URL that
// defaults to the local server. When it does not answer (or, for Start,
// when there is no nats-server binary), tests are skipped loudly, except
// under CI=true, where that is a failure: CI must never pass by skipping.
package natstest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DefaultURL is the server used when PARLEY_TEST_NATS is not set.
const DefaultURL = "nats://127.0.0.1:4222"

// URL returns the shared server's URL once it answers.
func URL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("PARLEY_TEST_NATS")
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("natstest: PARLEY_TEST_NATS is not a nats:// URL: %q", raw)
	}
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		absent(t, "NATS at "+u.Host+" does not answer: "+err.Error())
	}
	c.Close()
	return raw
}

// Prefix returns a subject prefix of the test's own, so that tests on the
// shared server never hear each other.
func Prefix() string {
	var b [8]byte
	rand.Read(b[:])
	return "test" + hex.EncodeToString(b[:])
}

func absent(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("natstest: %s (CI=true: a missing NATS is a failure)", why)
	}
	t.Skipf("natstest: SKIPPING, %s; set PARLEY_TEST_NATS or start nats-server", why)
}

// Server is a nats-server of the test's own, on a port that stays the
// same across Stop and Start, so that clients reconnect to it.
type Server struct {
	URL  string
	t    testing.TB
	bin  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

// Start starts a server on a free port; it is stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := os.Getenv("PARLEY_NATS_SERVER")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("nats-server"); err != nil {
			bin = "/usr/sbin/nats-server"
		}
	}
	if _, err := os.Stat(bin); err != nil {
		absent(t, "no nats-server binary ("+err.Error()+")")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{URL: "nats://127.0.0.1:" + strconv.Itoa(port), t: t, bin: bin, port: port}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server again after Stop, and returns once it accepts
// clients (it says so on stderr).
func (s *Server) Start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, "-a", "127.0.0.1", "-p", strconv.Itoa(s.port))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("natstest: start %s: %v", s.bin, err)
	}
	ready, log := make(chan struct{}), &strings.Builder{}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		said := false
		for sc.Scan() {
			if !said && strings.Contains(sc.Text(), "Server is ready") {
				said = true
				close(ready)
			} else if !said {
				log.WriteString(sc.Text() + "\n")
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(s.done)
	}()
	select {
	case <-ready:
	case <-s.done:
		s.t.Fatalf("natstest: nats-server exited before it was ready:\n%s", log.String())
	case <-time.After(20 * time.Second):
		s.t.Fatalf("natstest: nats-server not ready within 20s")
	}
}

// Stop kills the server and waits until it has gone: its clients see
// their connections drop.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}
