package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// jsonLog keeps the JSON log lines of a process and tells waiters when a
// line with a given message arrives.
type jsonLog struct {
	mu      sync.Mutex
	partial []byte
	lines   []map[string]any
	raw     []string
	changed chan struct{} // closed and replaced on every line
}

func newJSONLog() *jsonLog { return &jsonLog{changed: make(chan struct{})} }

func (l *jsonLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			m = map[string]any{"msg": "NOT JSON", "line": line}
		}
		l.lines, l.raw = append(l.lines, m), append(l.raw, line)
		close(l.changed)
		l.changed = make(chan struct{})
	}
}

// wait returns the first line whose msg is msg, waiting for it until
// the process exits (done) or a minute has passed, which fails the test.
func (l *jsonLog) wait(t *testing.T, msg string, done <-chan struct{}) map[string]any {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		l.mu.Lock()
		for _, m := range l.lines {
			if m["msg"] == msg {
				l.mu.Unlock()
				return m
			}
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-done:
			t.Fatalf("parley exited before logging %q:\n%s", msg, l)
		case <-deadline:
			t.Fatalf("parley did not log %q within a minute:\n%s", msg, l)
		}
	}
}

func (l *jsonLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.raw, "\n")
}

// order returns the position of each message's first line, -1 if absent.
func (l *jsonLog) order(msgs ...string) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	pos := make([]int, len(msgs))
	for i, msg := range msgs {
		pos[i] = -1
		for j, m := range l.lines {
			if m["msg"] == msg {
				pos[i] = j
				break
			}
		}
	}
	return pos
}

// fleetServer is a `parley serve` with JSON logs and a metrics listener.
type fleetServer struct {
	cmd           *exec.Cmd
	base, metrics string
	log           *jsonLog
	done          chan struct{}
}

func startFleetServer(t *testing.T, bin string, args ...string) *fleetServer {
	t.Helper()
	s := &fleetServer{log: newJSONLog(), done: make(chan struct{})}
	s.cmd = exec.Command(bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
		"--log-format", "json", "--database", "sqlite:" + filepath.Join(t.TempDir(), "parley.db")}, args...)...)
	s.cmd.Env = append(os.Environ(), "PARLEY_LOG_LEVEL=info")
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.done })
	s.metrics = "http://" + s.log.wait(t, "metrics listening", s.done)["addr"].(string)
	s.base = "http://" + s.log.wait(t, "parley listening", s.done)["addr"].(string)
	return s
}

// sseReader reads a live stream line by line and hands each event name on.
func sseReader(t *testing.T, url string) (events <-chan string, opened <-chan struct{}) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	ch, open := make(chan string, 16), make(chan struct{})
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		once := sync.OnceFunc(func() { close(open) })
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "retry:") {
				once() // written once the hub has the reader
			}
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				ch <- name
			} else if data, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(data, "retryAfter") {
				ch <- "data " + data
			}
		}
	}()
	return ch, open
}

// slowPost sends a comment's headers and the first half of its body on a
// connection of its own; finish sends the rest and returns the status.
func slowPost(t *testing.T, base, body string) (finish func() int) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		demoComments, strings.TrimPrefix(base, "http://"), len(body), body[:len(body)/2])
	return func() int {
		if _, err := io.WriteString(conn, body[len(body)/2:]); err != nil {
			t.Fatalf("finishing the slow write: %v", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("the slow write's answer: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

func mustGet(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
