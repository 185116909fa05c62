package outbox

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"parley"
)

// stopSender stands for a server shutting down while it sends: the first
// message it is given ends the relay's context, as SIGTERM would, and is
// still accepted.
type stopSender struct {
	mu   sync.Mutex
	stop context.CancelFunc
	got  []string
}

func (s *stopSender) Send(ctx context.Context, from, to string, msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, to)
	s.stop()
	return nil
}

// TestStopAfterCurrentMessage: a relay told to stop in the middle of a
// batch finishes the message it is sending (sent and marked, whole), sends
// no other, and hands the rest back so that another relay claims them at
// once instead of waiting for the lease.
func TestStopAfterCurrentMessage(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		c, s := newClock(), open()
		var ms []*parley.Message
		for i := range 3 {
			ms = append(ms, mustEnqueue(t, s, c, i+1))
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		sender := &stopSender{stop: cancel}
		r, err := NewRelay(s, sender, Options{Owner: "a", From: from, Host: "comments.news.example", Clock: c.Now,
			Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := r.RunOnce(ctx); err != nil || n != 3 {
			t.Fatalf("RunOnce = %d, %v; want the 3 messages claimed", n, err)
		}
		if len(sender.got) != 1 {
			t.Fatalf("sent %v after the stop, want only the message under way", sender.got)
		}
		sent := 0
		for _, m := range ms {
			st, err := s.MessageState(t.Context(), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case st.State == "sent":
				sent++
			case st.State != "pending" || st.LastError != "the relay stopped before this attempt":
				t.Errorf("a message not sent is %+v, want pending, handed back by the stop", st)
			}
		}
		if sent != 1 {
			t.Errorf("%d messages marked sent, want the one under way", sent)
		}
		other, err := s.ClaimMessages(t.Context(), "b", c.Now(), 5*time.Minute, 10)
		if err != nil || len(other) != 2 {
			t.Fatalf("another relay claims %d messages (%v), want the 2 handed back", len(other), err)
		}
	})
}
