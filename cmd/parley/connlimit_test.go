package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/internal/i18n"
)

// testConnectionLimit: with --max-connections 4, a fifth connection is
// answered 503 unavailable in the reader's language, with Retry-After and
// the security headers, and closed; the metrics count it; once a
// connection closes, the next is served again. The process keeps the file
// descriptors it needs meanwhile: the admitted connections go on working.
func testConnectionLimit(t *testing.T, bin string) {
	s := startFleetServer(t, bin, "--drain-delay", "0", "--max-connections", "4")
	addr := strings.TrimPrefix(s.base, "http://")
	http.DefaultClient.CloseIdleConnections() // the start's own probes
	waitScrape(t, s, "parley_connections_open 0")
	held := make([]*rawConn, 4)
	for i := range held {
		held[i] = dialRaw(t, addr)
		if resp := held[i].get(t, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: %d", i, resp.StatusCode)
		}
	}
	over := dialRaw(t, addr)
	resp := over.get(t, demoComments, "Accept-Language: fr")
	var body struct {
		Error struct{ Code, Message string }
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("fifth connection: %d %s, want a 503 JSON error", resp.StatusCode, raw)
	}
	if body.Error.Code != "unavailable" || body.Error.Message != i18n.For("fr").Error("unavailable", "") {
		t.Errorf("refusal %+v, want unavailable in French", body.Error)
	}
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || !resp.Close {
		t.Errorf("refusal headers %v: want Retry-After, nosniff and Connection: close", resp.Header)
	}
	if !over.closed() {
		t.Error("the refused connection stays open")
	}
	waitScrape(t, s, `parley_connections_refused_total{reason="total"} 1`, "parley_connections_open 4", "parley_connections_max 4")
	if resp := held[3].get(t, demoComments); resp.StatusCode != http.StatusOK {
		t.Errorf("an admitted connection while full: %d", resp.StatusCode)
	}
	held[0].c.Close()
	waitScrape(t, s, "parley_connections_open 3")
	if resp := dialRaw(t, addr).get(t, demoComments); resp.StatusCode != http.StatusOK {
		t.Errorf("a connection once one closed: %d, want 200", resp.StatusCode)
	}
}

// rawConn is one client connection that the test holds open itself.
type rawConn struct {
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawConn{c: c, r: bufio.NewReader(c)}
}

// get sends a GET on the connection and reads the answer's head; its body
// is left to the caller.
func (rc *rawConn) get(t *testing.T, path string, headers ...string) *http.Response {
	t.Helper()
	req := "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
	for _, h := range headers {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(rc.c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(rc.r, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode == http.StatusOK {
		io.Copy(io.Discard, resp.Body) // the next request on this connection
	}
	return resp
}

// closed reports whether the server closed the connection after what was
// read so far.
func (rc *rawConn) closed() bool {
	rc.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := rc.r.ReadByte()
	return err == io.EOF
}

// waitScrape waits until the metrics scrape holds every line of want.
func waitScrape(t *testing.T, s *fleetServer, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body, _ := mustGet(t, s.metrics+"/metrics")
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w+"\n") {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scrape lacks %q:\n%s", missing, grepLines(body, "parley_connections"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			fmt.Fprint(&b, line)
		}
	}
	return b.String()
}
