package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRequestIDs: a safe inbound ID is kept and echoed; a missing, long
// or unsafe one is replaced by a fresh random ID; the handler finds the ID
// in its context, and a log line written with that context carries it.
func TestRequestIDs(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&logs, nil))).With("component", "test")
	var seen string
	h := WithRequestIDs(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestIDFrom(r.Context())
		log.InfoContext(r.Context(), "handled")
	}))
	ids := map[string]bool{}
	for _, tc := range []struct {
		inbound string
		keep    bool
	}{
		{"", false},
		{"0af7651916cd43dd8448eb211c80319c", true},
		{"lb-1:4711.2_x", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"evil\" request_id=forged", false},
		{"line\nbreak", false},
		{"ümlaut", false},
	} {
		logs.Reset()
		r := httptest.NewRequest("GET", "/", nil)
		if tc.inbound != "" {
			r.Header.Set(RequestIDHeader, tc.inbound)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		echoed := w.Header().Get(RequestIDHeader)
		if echoed != seen {
			t.Errorf("%q: echoed %q, handler saw %q", tc.inbound, echoed, seen)
		}
		if got := echoed == tc.inbound; got != tc.keep {
			t.Errorf("%q: kept = %v, want %v (got %q)", tc.inbound, got, tc.keep, echoed)
		}
		if !tc.keep && (len(echoed) < 26 || !SafeRequestID(echoed) || ids[echoed]) {
			t.Errorf("%q: replaced by %q, want a fresh random ID", tc.inbound, echoed)
		}
		ids[echoed] = true
		var line map[string]any
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", logs.String(), err)
		}
		if line["request_id"] != echoed || line["component"] != "test" {
			t.Errorf("log line %v, want request_id %q and the logger's own attributes", line, echoed)
		}
	}
	logs.Reset()
	log.Info("outside a request")
	if strings.Contains(logs.String(), "request_id") {
		t.Errorf("a line outside a request has a request ID: %s", logs.String())
	}
}
