package outbox

import (
	"context"
	"log/slog"
	"net/mail"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/outbox/smtptest"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
)

// TestTwoRelaysOnePostgres: relays of two instances, each on its own pool,
// work through one queue at once; every message arrives exactly once.
func TestTwoRelaysOnePostgres(t *testing.T) {
	url := pgtest.URL(t)
	ms, c := smtptest.Start(t, false), newClock()
	var stores []parley.Store
	for range 2 {
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	const n = 40
	for i := range n {
		mustEnqueue(t, stores[0], c, i)
	}
	var wg sync.WaitGroup
	claimed := make([]int, 2)
	for i, s := range stores {
		r := mustRelay(t, s, ms, c, []string{"one", "two"}[i])
		r.o.Batch = 2
		wg.Go(func() {
			for {
				k, err := r.RunOnce(t.Context())
				if err != nil {
					t.Error(err)
				}
				if k == 0 {
					return
				}
				claimed[i] += k
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range ms.Received() {
		msg, err := mail.ReadMessage(bytesReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		seen[msg.Header.Get("Message-ID")]++
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages arrived, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s arrived %d times", id, k)
		}
	}
	t.Logf("claimed by relay one: %d, by relay two: %d", claimed[0], claimed[1])
}

// blockingSender holds each send until release is closed, and says on
// started when one began.
type blockingSender struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingSender) Send(ctx context.Context, _, _ string, _ []byte) error {
	b.started <- struct{}{}
	select {
	case <-b.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestRunDrains: a relay told to stop while a send is in flight lets that
// send finish and marks the message sent before Run returns, instead of
// leaving it to wait out its lease (and be sent again).
func TestRunDrains(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		s, c := open(), newClock()
		m := mustEnqueue(t, s, c, 1)
		bs := &blockingSender{started: make(chan struct{}, 1), release: make(chan struct{})}
		r, err := NewRelay(s, bs, Options{From: from, Host: "h.example", Clock: c.Now, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		<-bs.started
		cancel()
		close(bs.release)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		wantState(t, s, m, "sent", 1)
	})
}

// slowSender takes step of the test's clock per message it sends.
type slowSender struct {
	c    *clock
	step time.Duration
	sent int
}

func (s *slowSender) Send(context.Context, string, string, []byte) error {
	s.c.Add(s.step)
	s.sent++
	return nil
}

// TestLeaseRunsShort: a batch whose sends use up the lease hands back the
// messages it has not attempted, instead of sending them after another
// relay could have claimed them.
func TestLeaseRunsShort(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		s, c := open(), newClock()
		var ms []*parley.Message
		for i := range 3 {
			ms = append(ms, mustEnqueue(t, s, c, i))
			c.Add(time.Millisecond) // claimed in this order
		}
		slow := &slowSender{c: c, step: 3 * time.Minute}
		r, err := NewRelay(s, slow, Options{From: from, Host: "h.example", Clock: c.Now, Lease: 5 * time.Minute, Batch: 3,
			Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
		if err != nil {
			t.Fatal(err)
		}
		mustRunOnce(t, r, 3)
		if slow.sent != 2 {
			t.Fatalf("sent %d messages, want 2: the third would start with 4 of the lease's 5 minutes gone", slow.sent)
		}
		wantState(t, s, ms[0], "sent", 1)
		wantState(t, s, ms[2], "pending", 1)
		mustRunOnce(t, r, 1) // handed back: due at once
		wantState(t, s, ms[2], "sent", 2)
	})
}

// TestPurge: sent messages are deleted once Retention has passed, pending
// ones never.
func TestPurge(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		ms, c, s := smtptest.Start(t, false), newClock(), open()
		r := mustRelay(t, s, ms, c, "a")
		sent := mustEnqueue(t, s, c, 1)
		mustRunOnce(t, r, 1)
		c.Add(time.Minute)
		pending := mustEnqueue(t, s, c, 2)
		c.Add(7*24*time.Hour - time.Minute)
		r.Purge(t.Context()) // exactly the retention: kept
		wantState(t, s, sent, "sent", 1)
		c.Add(time.Millisecond)
		r.Purge(t.Context())
		if _, err := s.MessageState(t.Context(), sent.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a message sent over 7 days ago: %v, want it purged", err)
		}
		wantState(t, s, pending, "pending", 0)
	})
}
