package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/outbox/smtptest"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

// clock is a clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// backends runs fn against a fresh SQLite file and a fresh PostgreSQL
// database; open returns another store on the same database, as another
// instance would open it.
func backends(t *testing.T, fn func(t *testing.T, open func() parley.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "parley.db")
		fn(t, func() parley.Store {
			s, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		fn(t, func() parley.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}

var from = &mail.Address{Name: "Parley", Address: "noreply@news.example"}

// mustRelay returns a relay on store through the server, with the clock
// and a jitter of 0.5.
func mustRelay(t *testing.T, store parley.Outbox, ms *smtptest.Server, c *clock, owner string) *Relay {
	t.Helper()
	sender, err := ParseSMTPURL(ms.URL, ms.TLS)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRelay(store, sender, Options{Owner: owner, From: from, Host: "comments.news.example",
		Clock: c.Now, Jitter: func() float64 { return 0.5 }, MaxAttempts: 4,
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustEnqueue(t *testing.T, s parley.Store, c *clock, n int) *parley.Message {
	t.Helper()
	m := &parley.Message{ID: parley.NewID(c.Now()), To: fmt.Sprintf("Leserin %d <r%d@example.com>", n, n),
		Subject: "Ihr Anmeldelink für „Parley“", Text: "Hallo!\nKlicken Sie hier.", HTML: "<p>Hallo!</p>",
		CreatedAt: c.Now()}
	if err := s.EnqueueMessage(t.Context(), m); err != nil {
		t.Fatalf("EnqueueMessage: %v", err)
	}
	return m
}

func mustRunOnce(t *testing.T, r *Relay, want int) {
	t.Helper()
	n, err := r.RunOnce(t.Context())
	if err != nil || n != want {
		t.Fatalf("RunOnce = %d, %v; want %d claimed", n, err, want)
	}
}

func wantState(t *testing.T, s parley.Store, m *parley.Message, state string, attempts int) {
	t.Helper()
	got, err := s.MessageState(t.Context(), m.ID)
	if err != nil || got.State != state || got.Attempts != attempts {
		t.Errorf("message state = %+v, %v; want %q after %d attempts", got, err, state, attempts)
	}
}

func TestDelivery(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprint("starttls=", secure), func(t *testing.T) {
			backends(t, func(t *testing.T, open func() parley.Store) {
				ms, c, s := smtptest.Start(t, secure), newClock(), open()
				m := mustEnqueue(t, s, c, 1)
				mustRunOnce(t, mustRelay(t, s, ms, c, "a"), 1)
				got := ms.Received()
				if len(got) != 1 || got[0].To != "r1@example.com" || got[0].From != from.Address || got[0].TLS != secure {
					t.Fatalf("received %+v, want one message to r1@example.com from %s, TLS %v", got, from.Address, secure)
				}
				msg, err := mail.ReadMessage(bytesReader(got[0].Data))
				if err != nil {
					t.Fatal(err)
				}
				if id := msg.Header.Get("Message-ID"); id != "<"+m.ID+"@comments.news.example>" {
					t.Errorf("Message-ID = %q", id)
				}
				wantState(t, s, m, "sent", 1)
				mustRunOnce(t, mustRelay(t, s, ms, c, "b"), 0) // sent: never again
			})
		})
	}
}

// TestRetryThenAccept: the server refuses (451) twice, then accepts; the
// message waits out its backoff each time and is delivered once.
func TestRetryThenAccept(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		ms, c, s := smtptest.Start(t, false), newClock(), open()
		r := mustRelay(t, s, ms, c, "a")
		m := mustEnqueue(t, s, c, 1)
		ms.Set(2, 0)
		mustRunOnce(t, r, 1) // refused
		wantState(t, s, m, "pending", 1)
		c.Add(r.Backoff(1) - time.Millisecond)
		mustRunOnce(t, r, 0) // not due yet
		c.Add(time.Millisecond)
		mustRunOnce(t, r, 1) // refused again
		c.Add(r.Backoff(2))
		mustRunOnce(t, r, 1) // accepted
		if got := ms.Received(); len(got) != 1 {
			t.Fatalf("received %d messages, want 1", len(got))
		}
		wantState(t, s, m, "sent", 3)
	})
}

// TestBackoffSchedule: the delays double from BaseDelay up to MaxDelay, and
// jitter keeps each between half of that and all of it.
func TestBackoffSchedule(t *testing.T) {
	jitter := 0.0
	r, err := NewRelay(nil, nil, Options{From: from, Host: "h", BaseDelay: 30 * time.Second, MaxDelay: 10 * time.Minute,
		Jitter: func() float64 { return jitter }})
	if err != nil {
		t.Fatal(err)
	}
	full := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, d := range full {
		jitter = 0
		if got := r.Backoff(i + 1); got != d/2 {
			t.Errorf("Backoff(%d) with no jitter = %s, want %s", i+1, got, d/2)
		}
		jitter = 0.999999
		if got := r.Backoff(i + 1); got <= d*99/100 || got > d {
			t.Errorf("Backoff(%d) with the most jitter = %s, want just under %s", i+1, got, d)
		}
	}
	if got := r.Backoff(200); got < 5*time.Minute || got > 10*time.Minute {
		t.Errorf("Backoff(200) = %s, want capped at 10m", got)
	}
}

// TestGiveUp: after MaxAttempts refusals the message is failed and never
// claimed again; a 550 for the recipient fails it at once.
func TestGiveUp(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		ms, c, s := smtptest.Start(t, false), newClock(), open()
		r := mustRelay(t, s, ms, c, "a")
		m := mustEnqueue(t, s, c, 1)
		ms.Set(100, 0)
		for i := 1; i <= 4; i++ {
			mustRunOnce(t, r, 1)
			c.Add(time.Hour)
		}
		wantState(t, s, m, "failed", 4)
		c.Add(24 * time.Hour)
		mustRunOnce(t, r, 0)

		ms.Set(0, 1)
		unknown := mustEnqueue(t, s, c, 2)
		mustRunOnce(t, r, 1)
		wantState(t, s, unknown, "failed", 1)
		if got := ms.Received(); len(got) != 0 {
			t.Errorf("received %d messages, want none", len(got))
		}
	})
}

// TestCrashRecovery: a relay that claimed a message and died holds it
// until its lease ends; then another relay sends it, once.
func TestCrashRecovery(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		ms, c, s := smtptest.Start(t, false), newClock(), open()
		m := mustEnqueue(t, s, c, 1)
		dead, err := open().ClaimMessages(t.Context(), "dead", c.Now(), 5*time.Minute, 10)
		if err != nil || len(dead) != 1 {
			t.Fatalf("the relay that dies claimed %v, %v", dead, err)
		}
		r := mustRelay(t, open(), ms, c, "survivor")
		c.Add(5*time.Minute - time.Millisecond)
		mustRunOnce(t, r, 0)
		c.Add(time.Millisecond)
		mustRunOnce(t, r, 1)
		if got := ms.Received(); len(got) != 1 {
			t.Fatalf("received %d messages, want 1", len(got))
		}
		wantState(t, s, m, "sent", 2)
	})
}

// TestUnitOfWork: a unit that enqueues and then fails sends nothing; one
// that commits sends its message.
func TestUnitOfWork(t *testing.T) {
	backends(t, func(t *testing.T, open func() parley.Store) {
		ms, c, s := smtptest.Start(t, false), newClock(), open()
		errLater := errors.New("a later step fails")
		for _, fail := range []bool{true, false} {
			err := s.Update(t.Context(), func(tx parley.Tx) error {
				err := tx.EnqueueMessage(t.Context(), &parley.Message{ID: parley.NewID(c.Now()), To: "r@example.com",
					Subject: fmt.Sprint("fail=", fail), Text: "x", CreatedAt: c.Now()})
				if err != nil || !fail {
					return err
				}
				return errLater
			})
			if fail && err != errLater || !fail && err != nil {
				t.Fatalf("Update(fail=%v) = %v", fail, err)
			}
		}
		mustRunOnce(t, mustRelay(t, s, ms, c, "a"), 1)
		got := ms.Received()
		if len(got) != 1 {
			t.Fatalf("received %d messages, want only the committed one", len(got))
		}
		msg, _ := mail.ReadMessage(bytesReader(got[0].Data))
		if subj := msg.Header.Get("Subject"); subj != "fail=false" {
			t.Errorf("received %q, want the committed unit's message", subj)
		}
	})
}
