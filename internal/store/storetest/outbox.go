package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"parley"
)

// lease is the lease the outbox tests claim with.
const lease = time.Minute

// testOutbox checks the outbox queue: a message enqueued in a unit is
// claimed once per lease, released for a retry when due, and never claimed
// again once sent or failed; a failed unit enqueues nothing.
func testOutbox(t *testing.T, open Opener) {
	t.Run("Enqueue", func(t *testing.T) { testEnqueue(t, open) })
	t.Run("Lease", func(t *testing.T) { testLease(t, open) })
	t.Run("Retry", func(t *testing.T) { testRetry(t, open) })
	t.Run("Done", func(t *testing.T) { testDone(t, open) })
	t.Run("Unit", func(t *testing.T) { testOutboxUnit(t, open) })
	t.Run("ConcurrentClaims", func(t *testing.T) {
		f := newFixture(t, open)
		MustClaimOnce(t, f.now, f.s, f.s, f.s, f.s)
	})
}

// NewMessage returns a valid message created at at.
func NewMessage(at time.Time, n int) *parley.Message {
	return &parley.Message{ID: parley.NewID(at), To: fmt.Sprintf("Reader %d <r%d@example.com>", n, n),
		Subject: fmt.Sprintf("Message %d", n), Text: "Hello", HTML: "<p>Hello</p>",
		ListUnsubscribe: "https://news.example/unsubscribe?t=x", CreatedAt: at}
}

func (f *fixture) mustEnqueue(n int) *parley.Message {
	f.t.Helper()
	m := NewMessage(f.tick(), n)
	if err := f.s.EnqueueMessage(f.ctx, m); err != nil {
		f.t.Fatalf("EnqueueMessage: %v", err)
	}
	return m
}

// claim claims at now and returns the IDs and attempts claimed.
func (f *fixture) claim(owner string, now time.Time, limit int) []string {
	f.t.Helper()
	ms, err := f.s.ClaimMessages(f.ctx, owner, now, lease, limit)
	if err != nil {
		f.t.Fatalf("ClaimMessages: %v", err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%s/%d", m.ID, m.Attempts))
	}
	return got
}

// wantState fails the test unless the message stands as want says.
func (f *fixture) wantState(m *parley.Message, want parley.MessageStatus) {
	f.t.Helper()
	got, err := f.s.MessageState(f.ctx, m.ID)
	if err != nil || *got != want {
		f.t.Errorf("MessageState = %+v, %v; want %+v", got, err, want)
	}
}

func testEnqueue(t *testing.T, open Opener) {
	f := newFixture(t, open)
	m := f.mustEnqueue(1)
	ms, err := f.s.ClaimMessages(f.ctx, "a", f.now, lease, 10)
	if err != nil || len(ms) != 1 {
		t.Fatalf("ClaimMessages = %v, %v; want one message", ms, err)
	}
	got := ms[0]
	if got.ID != m.ID || got.To != m.To || got.Subject != m.Subject || got.Text != m.Text || got.HTML != m.HTML ||
		got.ListUnsubscribe != m.ListUnsubscribe || !got.CreatedAt.Equal(m.CreatedAt) || got.Attempts != 1 {
		t.Errorf("claimed %+v, want %+v with 1 attempt", got, m)
	}
	if err := f.s.EnqueueMessage(f.ctx, m); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("EnqueueMessage of a taken ID: %v, want ECONFLICT", err)
	}
	for _, bad := range []func(m *parley.Message){
		func(m *parley.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" },
		func(m *parley.Message) { m.To = "a@example.com\nBcc: victim@example.com" },
		func(m *parley.Message) { m.ListUnsubscribe = "https://x.example/\r\nX: y" },
		func(m *parley.Message) { m.To = "not an address" },
		func(m *parley.Message) { m.Text = "" },
		func(m *parley.Message) { m.Text = "a\x00b" },
		func(m *parley.Message) { m.Subject = "\xff" },
		func(m *parley.Message) { m.ID = "a b" },
	} {
		m := NewMessage(f.tick(), 2)
		bad(m)
		if err := f.s.EnqueueMessage(f.ctx, m); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("EnqueueMessage(%+v): %v, want EINVALID", m, err)
		}
	}
	if got := f.claim("a", f.now.Add(2*lease), 10); len(got) != 1 {
		t.Errorf("after the bad messages, claimable = %v, want only the first message again", got)
	}
}

// testLease: a claimed message is nobody else's until the lease ends, and
// then another relay gets it (a relay that died mid-send loses nothing).
func testLease(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a, b, c := f.mustEnqueue(1), f.mustEnqueue(2), f.mustEnqueue(3)
	now := f.now
	if got, want := f.claim("dead", now, 2), []string{a.ID + "/1", b.ID + "/1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("first claim = %v, want the two oldest %v", got, want)
	}
	if got := f.claim("other", now.Add(lease-time.Millisecond), 10); fmt.Sprint(got) != fmt.Sprint([]string{c.ID + "/1"}) {
		t.Errorf("claim during the lease = %v, want only %s", got, c.ID)
	}
	if err := f.s.MarkMessageSent(f.ctx, a.ID, "other", now); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("MarkMessageSent by a relay that holds no lease: %v, want ENOTFOUND", err)
	}
	if got := f.claim("other", now.Add(lease), 10); fmt.Sprint(got) != fmt.Sprint([]string{a.ID + "/2", b.ID + "/2"}) {
		t.Errorf("claim after the lease = %v, want %s and %s at their second attempt", got, a.ID, b.ID)
	}
	if err := f.s.MarkMessageSent(f.ctx, a.ID, "dead", now); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("MarkMessageSent by the relay whose lease ended: %v, want ENOTFOUND", err)
	}
}

func testRetry(t *testing.T, open Opener) {
	f := newFixture(t, open)
	m := f.mustEnqueue(1)
	now := f.now
	f.claim("a", now, 10)
	next := now.Add(10 * time.Second)
	if err := f.s.RetryMessage(f.ctx, m.ID, "a", next, "421 try later"); err != nil {
		t.Fatalf("RetryMessage: %v", err)
	}
	f.wantState(m, parley.MessageStatus{State: "pending", Attempts: 1, LastError: "421 try later", HasBody: true})
	if got := f.claim("b", next.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Errorf("claim before the retry is due = %v, want none", got)
	}
	if got := f.claim("b", next, 10); fmt.Sprint(got) != fmt.Sprint([]string{m.ID + "/2"}) {
		t.Errorf("claim when the retry is due = %v, want %s at attempt 2", got, m.ID)
	}
	if err := f.s.RetryMessage(f.ctx, m.ID, "a", next, "x"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("RetryMessage by a relay that no longer holds it: %v, want ENOTFOUND", err)
	}
}

// testDone: sent and failed messages are never claimed again.
func testDone(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sent, failed := f.mustEnqueue(1), f.mustEnqueue(2)
	now := f.now
	f.claim("a", now, 10)
	if err := f.s.MarkMessageSent(f.ctx, sent.ID, "a", now); err != nil {
		t.Fatalf("MarkMessageSent: %v", err)
	}
	if err := f.s.FailMessage(f.ctx, failed.ID, "a", now, "550 no such user"); err != nil {
		t.Fatalf("FailMessage: %v", err)
	}
	f.wantState(sent, parley.MessageStatus{State: "sent", Attempts: 1})
	f.wantState(failed, parley.MessageStatus{State: "failed", Attempts: 1, LastError: "550 no such user"})
	if got := f.claim("b", now.Add(24*time.Hour), 10); len(got) != 0 {
		t.Errorf("claim a day later = %v, want none", got)
	}
	if err := f.s.MarkMessageSent(f.ctx, sent.ID, "a", now); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("MarkMessageSent twice: %v, want ENOTFOUND", err)
	}
	if _, err := f.s.MessageState(f.ctx, "nope"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("MessageState(nope): %v, want ENOTFOUND", err)
	}
	pending := f.mustEnqueue(3)
	if n, err := f.s.PurgeMessages(f.ctx, now); n != 0 || err != nil {
		t.Errorf("PurgeMessages(the moment they were done) = %d, %v; want 0", n, err)
	}
	if n, err := f.s.PurgeMessages(f.ctx, now.Add(time.Millisecond)); n != 2 || err != nil {
		t.Errorf("PurgeMessages(after) = %d, %v; want the sent and the failed message", n, err)
	}
	if _, err := f.s.MessageState(f.ctx, sent.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a purged message: %v, want ENOTFOUND", err)
	}
	f.wantState(pending, parley.MessageStatus{State: "pending", HasBody: true})
}

// testOutboxUnit: a message is enqueued with the unit that caused it, or
// not at all.
func testOutboxUnit(t *testing.T, open Opener) {
	f := newFixture(t, open)
	lost, kept := NewMessage(f.tick(), 1), NewMessage(f.tick(), 2)
	p := f.newPost(1, nil)
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		if err := tx.EnqueueMessage(f.ctx, lost); err != nil {
			return err
		}
		if err := f.writePost(tx, p, nil); err != nil {
			return err
		}
		return errUnit
	})
	if err != errUnit {
		t.Fatalf("Update = %v, want the unit's own error", err)
	}
	if _, err := f.s.MessageState(f.ctx, lost.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("message of a failed unit: %v, want ENOTFOUND", err)
	}
	q := f.newPost(2, nil)
	err = f.s.Update(f.ctx, func(tx parley.Tx) error {
		if err := f.writePost(tx, q, nil); err != nil {
			return err
		}
		return tx.EnqueueMessage(f.ctx, kept)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := f.claim("a", f.now, 10); fmt.Sprint(got) != fmt.Sprint([]string{kept.ID + "/1"}) {
		t.Errorf("claimable = %v, want only the committed unit's %s", got, kept.ID)
	}
}

// MustClaimOnce enqueues messages and lets every store claim them at once,
// one at a time, until none is left; it fails t unless each message was
// claimed exactly once. Backends pass stores opened separately on one
// database to show that relays of several instances never share one.
func MustClaimOnce(t *testing.T, now time.Time, stores ...parley.Store) {
	t.Helper()
	const n = 60
	for i := range n {
		if err := stores[0].EnqueueMessage(t.Context(), NewMessage(now, i)); err != nil {
			t.Fatalf("EnqueueMessage: %v", err)
		}
	}
	var mu sync.Mutex
	claims := map[string]int{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	for i, s := range stores {
		wg.Go(func() {
			<-start
			for {
				ms, err := s.ClaimMessages(t.Context(), fmt.Sprint("relay-", i), now, lease, 2)
				if err != nil || len(ms) == 0 {
					errs[i] = err
					return
				}
				mu.Lock()
				for _, m := range ms {
					claims[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("relay %d: ClaimMessages: %v", i, err)
		}
	}
	if len(claims) != n {
		t.Errorf("%d messages claimed, want %d", len(claims), n)
	}
	for id, k := range claims {
		if k != 1 {
			t.Errorf("message %s claimed %d times", id, k)
		}
	}
}
