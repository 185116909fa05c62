package outbox

import (
	"testing"

	"parley"
	"parley/internal/outbox/smtptest"
)

// TestPlainHTTPLinks: an http unsubscribe link is sent only by a relay told
// that Parley itself is reached over http; any other gives the message up.
func TestPlainHTTPLinks(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		s, ms, c := open(), smtptest.Start(t, false), newClock()
		strict := mustRelay(t, s, ms, c, "strict")
		m := mustEnqueue(t, s, c, 1)
		m.ID, m.ListUnsubscribe = parley.NewID(c.Now()), "http://127.0.0.1:8080/unsubscribe?t=x"
		if err := s.EnqueueMessage(t.Context(), m); err != nil {
			t.Fatalf("EnqueueMessage with an http link: %v", err)
		}
		mustRunOnce(t, strict, 2)
		wantState(t, s, m, "failed", 1)
		plain := mustRelay(t, s, ms, c, "plain")
		plain.o.PlainHTTP = true
		m.ID = parley.NewID(c.Now())
		if err := s.EnqueueMessage(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		mustRunOnce(t, plain, 1)
		wantState(t, s, m, "sent", 1)
		if n := len(ms.Received()); n != 2 {
			t.Errorf("received %d messages, want the one without a link and the last http one", n)
		}
	})
}
