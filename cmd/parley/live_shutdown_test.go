package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeSaysGoodbyeToLiveReaders: on shutdown, a live stream (which
// has left net/http's handler, so Shutdown does not wait for it) gets its
// goodbye before serve returns.
func TestServeSaysGoodbyeToLiveReaders(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &logWriter{ready: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--database", dsn},
			func(string) string { return "" }, &bytes.Buffer{}, stderr)
	}()
	var addr string
	select {
	case addr = <-stderr.ready:
	case err := <-done:
		t.Fatalf("serve returned %v:\n%s", err, stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not listen within 20s:\n%s", stderr)
	}
	reqCtx, stop := context.WithTimeout(t.Context(), 20*time.Second)
	defer stop()
	req, _ := http.NewRequestWithContext(reqCtx, "GET", "http://"+addr+"/api/v1/sites/demo/stories/demo-article/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "retry: ") {
		t.Fatalf("first line %q, %v", line, err)
	}
	cancel()
	var rest strings.Builder
	for {
		line, err := r.ReadString('\n')
		rest.WriteString(line)
		if err != nil {
			break
		}
	}
	if !strings.Contains(rest.String(), "event: bye\ndata: {\"reason\":\"shutdown\"") {
		t.Errorf("the stream ended without its goodbye: %q", rest.String())
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
