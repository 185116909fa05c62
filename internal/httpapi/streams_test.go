package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"parley"
	"parley/internal/i18n"
)

// liveLimit is the stack's bound on the live streams of one client address.
const liveLimit = 3

// TestLiveLimit: one client address on the internet holds at most
// liveLimit live streams; the next is answered 429 liveTooMany with
// Retry-After in the client's language, before the stream begins, and a
// stream that ends gives its place back. Other addresses, and internal
// ones (a proxy nobody declared), are not held back by it.
func TestLiveLimit(t *testing.T) {
	s := newStack(t, onSQLite)
	s.MustSite(&parley.Site{ID: "news", Name: "News", AllowAnonymous: true})
	s.MustPost("c1", "Alice", "news", "s1", "", "Erster Kommentar.")
	const client = "X-Forwarded-For: 203.0.113.9"
	streams := make([]*sse, liveLimit)
	for i := range streams {
		streams[i] = openStream(t, s, stream, client)
	}
	status, header, raw := streamAnswer(t, s, client, "Accept-Language: de")
	var body struct {
		Error struct{ Code, Key, Message string }
	}
	if err := json.Unmarshal(raw, &body); err != nil || status != http.StatusTooManyRequests {
		t.Fatalf("stream %d of one address: %d %s, want 429 JSON", liveLimit+1, status, raw)
	}
	if body.Error.Code != parley.ETOOMANYREQUESTS || body.Error.Key != "liveTooMany" || header.Get("Retry-After") != "30" {
		t.Errorf("refusal %+v, Retry-After %q; want too_many_requests, liveTooMany, 30", body.Error, header.Get("Retry-After"))
	}
	if want := i18n.For("de").T("error.liveTooMany"); body.Error.Message != want {
		t.Errorf("message %q, want the German %q", body.Error.Message, want)
	}
	for range liveLimit {
		openStream(t, s, stream, "X-Forwarded-For: 198.51.100.4")
	}
	for range liveLimit + 1 {
		openStream(t, s, stream, "X-Forwarded-For: 10.1.2.3")
	}
	// The first stream ends: its place is free once the server sees it.
	streams[0].cancel()
	for deadline := time.Now().Add(5 * time.Second); streamStatus(t, s, client) != http.StatusOK; {
		if time.Now().After(deadline) {
			t.Fatal("a stream that ended did not give its place back")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamStatus opens a stream for a moment and returns its status.
func streamStatus(t *testing.T, s *stack, headers ...string) int {
	t.Helper()
	status, _, _ := streamAnswer(t, s, headers...)
	return status
}

// streamAnswer asks for a stream and returns the answer, its body only if
// it is not a stream (which would not end).
func streamAnswer(t *testing.T, s *stack, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	resp, cancel := askStream(t, s, stream, headers...)
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, resp.Header, nil
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, raw
}
