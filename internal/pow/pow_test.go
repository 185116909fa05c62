package pow

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
)

var (
	testKey   = []byte("0123456789abcdef0123456789abcdef")
	otherKey  = []byte("fedcba9876543210fedcba9876543210")
	testStart = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

const subject = "demo\x00hashed-address"

// mustSolve solves c with Solve.
func mustSolve(t testing.TB, c Challenge) string {
	t.Helper()
	s, err := Solve(context.Background(), c.Token)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wrongSolution returns a counter that does not solve c.
func wrongSolution(c Challenge) string {
	for n := 0; ; n++ {
		s := strconv.Itoa(n)
		if ZeroBits(Hash(c.Token, s)) < c.Difficulty {
			return s
		}
	}
}

func TestIssueVerify(t *testing.T) {
	c := Issue(testKey, subject, 10, testStart)
	if c.Difficulty != 10 || !c.ExpiresAt.Equal(testStart.Add(TTL)) || len(c.ID) != 22 || !strings.HasPrefix(c.Token, "p1."+c.ID+".") {
		t.Fatalf("challenge %+v", c)
	}
	if strings.Contains(c.Token, "hashed-address") {
		t.Errorf("the token shows its subject: %s", c.Token)
	}
	if d := Issue(testKey, subject, 10, testStart); d.ID == c.ID || d.Token == c.Token {
		t.Error("two challenges share a nonce")
	}
	sol := mustSolve(t, c)
	if got := ZeroBits(Hash(c.Token, sol)); got < 10 {
		t.Fatalf("Solve gave %s with %d zero bits", sol, got)
	}
	if err := Verify(testKey, subject, c.Token, sol, testStart.Add(TTL-time.Second)); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestVerifyRefusals: each way a proof fails has its own error.
func TestVerifyRefusals(t *testing.T) {
	c := Issue(testKey, subject, 8, testStart)
	sol := mustSolve(t, c)
	now := testStart.Add(time.Minute)
	harder := Issue(testKey, subject, 20, testStart)
	// A token whose difficulty was lowered keeps its old signature.
	f := strings.Split(harder.Token, ".")
	f[3] = "1"
	lowered := strings.Join(f, ".")
	for _, tc := range []struct {
		name                string
		key                 []byte
		subject, token, sol string
		now                 time.Time
		want                error
	}{
		{"empty token", testKey, subject, "", sol, now, ErrMalformed},
		{"garbage", testKey, subject, "not.a.challenge", sol, now, ErrMalformed},
		{"other version", testKey, subject, "p2" + c.Token[2:], sol, now, ErrMalformed},
		{"too long", testKey, subject, c.Token + strings.Repeat("A", 200), sol, now, ErrMalformed},
		{"empty solution", testKey, subject, c.Token, "", now, ErrMalformed},
		{"solution not a number", testKey, subject, c.Token, "12a", now, ErrMalformed},
		{"negative solution", testKey, subject, c.Token, "-1", now, ErrMalformed},
		{"solution too long", testKey, subject, c.Token, strings.Repeat("1", 21), now, ErrMalformed},
		{"other key", otherKey, subject, c.Token, sol, now, ErrForged},
		{"lowered difficulty", testKey, subject, lowered, "0", now, ErrForged},
		{"longer expiry", testKey, subject, strings.Replace(c.Token, strconv.FormatInt(c.ExpiresAt.Unix(), 10), strconv.FormatInt(c.ExpiresAt.Unix()+3600, 10), 1), sol, now, ErrForged},
		{"other subject", testKey, "demo\x00someone-else", c.Token, sol, now, ErrWrongSubject},
		{"expired", testKey, subject, c.Token, sol, testStart.Add(TTL), ErrExpired},
		{"no work", testKey, subject, c.Token, wrongSolution(c), now, ErrInsufficient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(tc.key, tc.subject, tc.token, tc.sol, tc.now); err != tc.want {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	keys := map[string]bool{}
	for _, err := range []error{ErrRequired, ErrMalformed, ErrForged, ErrWrongSubject, ErrExpired, ErrInsufficient, ErrReplayed} {
		key := parley.ErrorKey(err)
		if key == "" || keys[key] {
			t.Errorf("error %v has key %q, empty or shared", err, key)
		}
		keys[key] = true
	}
}

// TestDifficultyClamped: Issue never makes a free or an endless challenge.
func TestDifficultyClamped(t *testing.T) {
	for in, want := range map[int]int{-5: 1, 0: 1, 1: 1, 18: 18, 32: 32, 99: 32} {
		if got := Issue(testKey, subject, in, testStart).Difficulty; got != want {
			t.Errorf("Issue(difficulty %d) made %d, want %d", in, got, want)
		}
	}
}

func TestZeroBits(t *testing.T) {
	for _, tc := range []struct {
		h    [32]byte
		want int
	}{
		{[32]byte{0x80}, 0}, {[32]byte{0x7f}, 1}, {[32]byte{0x01}, 7}, {[32]byte{0, 0x40}, 9}, {[32]byte{0, 0, 0x0f}, 20}, {[32]byte{}, 256},
	} {
		if got := ZeroBits(tc.h); got != tc.want {
			t.Errorf("ZeroBits(%x) = %d, want %d", tc.h[:3], got, tc.want)
		}
	}
}

// memLedger is a Ledger in memory, for tests only: the store implements
// the real one.
type memLedger struct {
	mu   sync.Mutex
	seen map[string]time.Time
	err  error
}

func (l *memLedger) Seen(_ context.Context, id string, until time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return false, l.err
	}
	if _, ok := l.seen[id]; ok {
		return true, nil
	}
	l.seen[id] = until
	return false, nil
}

// TestRedeem: a solution counts once, even when posts race; a ledger that
// fails refuses the proof.
func TestRedeem(t *testing.T) {
	l := &memLedger{seen: map[string]time.Time{}}
	c := Issue(testKey, subject, 8, testStart)
	sol := mustSolve(t, c)
	now := testStart.Add(time.Minute)
	if err := Redeem(t.Context(), l, testKey, "someone-else", c.Token, sol, now); err != ErrWrongSubject {
		t.Fatalf("a refused proof: %v", err)
	}
	if len(l.seen) != 0 {
		t.Fatal("a refused proof was recorded")
	}

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = Redeem(t.Context(), l, testKey, subject, c.Token, sol, now) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch err {
		case nil:
			ok++
		case ErrReplayed:
		default:
			t.Errorf("Redeem: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d racing redemptions passed, want 1", ok, len(errs))
	}
	if until := l.seen[c.ID]; !until.Equal(c.ExpiresAt) {
		t.Errorf("recorded until %v, want the expiry %v", until, c.ExpiresAt)
	}

	down := &memLedger{err: errors.New("database is down")}
	d := Issue(testKey, subject, 8, testStart)
	if err := Redeem(t.Context(), down, testKey, subject, d.Token, mustSolve(t, d), now); err == nil || !strings.Contains(err.Error(), "database is down") {
		t.Errorf("with the ledger down: %v", err)
	}
}

func TestSolveCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Solve(ctx, Issue(testKey, subject, 32, testStart).Token); !errors.Is(err, context.Canceled) {
		t.Errorf("Solve after cancel: %v", err)
	}
	if _, err := Solve(t.Context(), "nonsense"); err != ErrMalformed {
		t.Errorf("Solve(nonsense): %v", err)
	}
}

// BenchmarkSolve measures Go's SHA-256 on challenge-sized input: the
// hashes/s metric is what calibrates the difficulty (see the README).
func BenchmarkSolve(b *testing.B) {
	hashes := 0
	start := time.Now()
	for b.Loop() {
		c := Issue(testKey, subject, 16, testStart)
		sol, err := Solve(context.Background(), c.Token)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := strconv.Atoi(sol)
		hashes += n + 1
	}
	b.ReportMetric(float64(hashes)/time.Since(start).Seconds(), "hashes/s")
	b.ReportMetric(float64(hashes)/float64(b.N), "hashes/op")
}
