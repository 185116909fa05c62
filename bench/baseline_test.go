package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func noGzipClient() *http.Client {
	return &http.Client{Transport: newTransport(4), Timeout: 5 * time.Second}
}

func seedFake(t *testing.T, f *fakeParley, story string, n int) {
	t.Helper()
	for range n {
		f.stories[story] = append(f.stories[story], "x")
	}
}

// TestReplayMatchesParley records a gzip page from the fake Parley and
// checks that the baseline answers with the same bytes and headers.
func TestReplayMatchesParley(t *testing.T) {
	fake := newFakeParley()
	seedFake(t, fake, "s1", 25)
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()
	c := noGzipClient()
	ctx := context.Background()
	path := "/api/v1/sites/demo/stories/s1/comments"
	p, err := warmPage(ctx, c, srv.URL+path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Header.Get("ETag") != `"25"` || p.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("recorded headers %v lack the ETag or Content-Encoding", p.Header)
	}
	if !p.Gzip || p.CommentCount != 25 || p.Comments != 20 || p.Raw <= len(p.Body) {
		t.Fatalf("page = gzip %v, count %d, comments %d, raw %d, served %d", p.Gzip, p.CommentCount, p.Comments, p.Raw, len(p.Body))
	}
	b, err := startBaseline(newReplayHandler(p))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)

	orig := mustGet(t, c, srv.URL+path)
	replay := mustGet(t, c, b.URL+path)
	if replay.status != http.StatusOK || !bytes.Equal(orig.body, replay.body) {
		t.Errorf("replay status %d, %d bytes; want 200 and the %d bytes Parley sent", replay.status, len(replay.body), len(orig.body))
	}
	// The fake sends the representation headers; the security headers
	// are replayed as they come, here absent on both sides.
	required := map[string]bool{"Content-Type": true, "Content-Encoding": true, "ETag": true, "Cache-Control": true, "Vary": true}
	for _, k := range replayedHeaders() {
		if got, want := replay.header.Get(k), orig.header.Get(k); got != want || (want == "" && required[k]) {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if missing := mustGet(t, c, b.URL+"/api/v1/sites/demo/stories/other/comments"); missing.status != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", missing.status)
	}
	if err := b.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestReplayContentLength(t *testing.T) {
	p := &page{RequestURI: "/x?y=1", Status: http.StatusOK, ContentLength: true,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: bytes.Repeat([]byte("a"), 5000)}
	srv := httptest.NewServer(newReplayHandler(p))
	defer srv.Close()
	got := mustGet(t, noGzipClient(), srv.URL+"/x?y=1")
	if cl := got.header.Get("Content-Length"); cl != strconv.Itoa(len(p.Body)) {
		t.Errorf("Content-Length = %q, want %d", cl, len(p.Body))
	}
	if !bytes.Equal(got.body, p.Body) {
		t.Errorf("body differs: %d bytes, want %d", len(got.body), len(p.Body))
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func mustGet(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	resp, err := getGzip(context.Background(), c, u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}
