package httpapi_test

import (
	"errors"
	"io"
	"testing"
)

// TestDetachedStreamEndsCleanly follows a stream that left net/http after
// its replay: live events reach it, and on shutdown its goodbye is followed
// by the end of the chunked body, not a cut connection.
func TestDetachedStreamEndsCleanly(t *testing.T) {
	s := fixtures(t, onSQLite)
	live := openStream(t, s, stream)
	s.MustPost("n1", "Eve", "news", "s1", "", "Abgelöst")
	live.expect("created", "Abgelöst")
	s.hub.Close()
	live.expect("bye", `"reason":"shutdown"`)
	if _, err := io.ReadAll(live.r); err != nil {
		t.Errorf("after the goodbye: %v, want the body's clean end", err)
	}
}

// TestStreamInItsHandler: a stream that asks to close its connection stays
// in net/http's handler, and behaves the same.
func TestStreamInItsHandler(t *testing.T) {
	s := fixtures(t, onSQLite)
	live := openStream(t, s, stream, "Connection: close")
	s.MustPost("n1", "Eve", "news", "s1", "", "Im Handler")
	live.expect("created", "Im Handler")
	s.hub.Close()
	live.expect("bye", `"reason":"shutdown"`)
	if _, err := io.ReadAll(live.r); err != nil && !errors.Is(err, io.EOF) {
		t.Errorf("after the goodbye: %v", err)
	}
}
