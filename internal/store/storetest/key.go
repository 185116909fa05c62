package storetest

import (
	"bytes"
	"sync"
	"testing"

	"parley"
)

// testKeys checks that a key is made once and then kept: the same bytes on
// every call, even when many callers ask for a new name at once.
func testKeys(t *testing.T, open Opener) {
	t.Run("Stable", func(t *testing.T) {
		f := newFixture(t, open)
		a, err := f.s.Key(f.ctx, "form")
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
			t.Fatalf("Key(form) = %x, want 32 random bytes", a)
		}
		b, err := f.s.Key(f.ctx, "form")
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("Key(form) again = %x, %v; want %x", b, err, a)
		}
		c, err := f.s.Key(f.ctx, "other")
		if err != nil || bytes.Equal(a, c) {
			t.Fatalf("Key(other) = %x, %v; want a key of its own", c, err)
		}
	})
	t.Run("ConcurrentFirstUse", func(t *testing.T) {
		f := newFixture(t, open)
		MustAgreeOnKey(t, "race", f.s, f.s, f.s, f.s, f.s, f.s, f.s, f.s)
	})
}

// MustAgreeOnKey asks every store for the new key name at the same time
// and fails t unless all get the same 32 bytes. Backends pass stores opened
// separately on one database to show that instances agree too.
func MustAgreeOnKey(t *testing.T, name string, stores ...parley.Store) {
	t.Helper()
	keys := make([][]byte, len(stores))
	errs := make([]error, len(stores))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			<-start
			keys[i], errs[i] = s.Key(t.Context(), name)
		})
	}
	close(start)
	wg.Wait()
	for i := range stores {
		if errs[i] != nil {
			t.Fatalf("caller %d: Key(%s): %v", i, name, errs[i])
		}
		if len(keys[i]) != 32 || !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("caller %d got key %x, caller 0 got %x: callers disagree", i, keys[i], keys[0])
		}
	}
}
