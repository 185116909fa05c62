package pagecache

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// page returns a loader of a page worth keeping.
func page(body string, loads *int) Loader {
	return func() ([]byte, bool, error) {
		if loads != nil {
			*loads++
		}
		return []byte(body), true, nil
	}
}

func TestCacheServesUntilInvalidated(t *testing.T) {
	c := newCache(1 << 20)
	loads := 0
	for range 3 {
		if _, err := c.get(storyRef{"s", "a"}, "k", page(`{"n":1}`, &loads)); err != nil {
			t.Fatal(err)
		}
	}
	if loads != 1 {
		t.Fatalf("%d loads for three gets, want 1", loads)
	}
	c.invalidate("s", "a")
	c.get(storyRef{"s", "a"}, "k", page(`{"n":2}`, &loads))
	if loads != 2 {
		t.Errorf("%d loads after an invalidation, want 2", loads)
	}
}

// TestCacheDropsARacingLoad: a page loaded while its story changed must
// not be kept, or readers would see the old thread until the next change.
func TestCacheDropsARacingLoad(t *testing.T) {
	c := newCache(1 << 20)
	c.get(storyRef{"s", "a"}, "k", func() ([]byte, bool, error) {
		c.invalidate("s", "a") // the story changes while the page is read
		return []byte("old"), true, nil
	})
	resp, _ := c.get(storyRef{"s", "a"}, "k", page("new", nil))
	if string(resp.raw) != "new" {
		t.Errorf("got %q after a racing change, want the fresh page", resp.raw)
	}
}

// TestCacheKeepsNothingForNothing: failed loads, pages not worth keeping
// and invalidations of stories nobody reads must leave no entry behind,
// or any stream of made-up URLs would grow the cache without bound.
func TestCacheKeepsNothingForNothing(t *testing.T) {
	c := newCache(1 << 20)
	for i := range 1000 {
		story := fmt.Sprint(i)
		c.get(storyRef{"s", story}, "k", func() ([]byte, bool, error) { return nil, false, errors.New("no such site") })
		c.get(storyRef{"s", story}, "k2", func() ([]byte, bool, error) { return []byte("{}"), false, nil })
		c.invalidate("s", fmt.Sprint(i+5000))
	}
	if len(c.stories) != 0 || c.used != 0 {
		t.Errorf("%d stories and %d bytes kept, want none", len(c.stories), c.used)
	}
}

func TestCacheStaysWithinBudget(t *testing.T) {
	c := newCache(10_000)
	for i := range 100 {
		c.get(storyRef{"s", fmt.Sprint(i)}, "k", page(string(make([]byte, 1000)), nil))
	}
	if c.used > c.budget {
		t.Errorf("cache uses %d bytes, budget %d", c.used, c.budget)
	}
}

// TestCachePanickingLoad: waiters of a load that panics get an error
// instead of waiting for ever, and the next request loads again.
func TestCachePanickingLoad(t *testing.T) {
	c := newCache(1 << 20)
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { recover() }()
		c.get(storyRef{"s", "a"}, "k", func() ([]byte, bool, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started
	waiter := make(chan error, 1)
	go func() {
		_, err := c.get(storyRef{"s", "a"}, "k", page("never", nil))
		waiter <- err
	}()
	for queued := false; !queued; { // until the second get waits on the first
		c.mu.Lock()
		queued = c.inflight[flightKey{ref: storyRef{"s", "a"}, key: "k"}].waiters == 1
		c.mu.Unlock()
	}
	close(release)
	wg.Wait()
	if err := <-waiter; err == nil {
		t.Error("a waiter of a panicked load got no error")
	}
	if resp, err := c.get(storyRef{"s", "a"}, "k", page("again", nil)); err != nil || string(resp.raw) != "again" {
		t.Errorf("after the panic: %v %v", resp, err)
	}
}

// TestCachePagesExpire: a page is reloaded after pageTTL even without a
// change seen here, since other instances' changes arrive no other way.
func TestCachePagesExpire(t *testing.T) {
	c := newCache(1 << 20)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	loads := 0
	c.get(storyRef{"s", "a"}, "k", page("one", &loads))
	now = now.Add(pageTTL - time.Millisecond)
	c.get(storyRef{"s", "a"}, "k", page("two", &loads))
	if loads != 1 {
		t.Fatalf("%d loads within the TTL, want 1", loads)
	}
	now = now.Add(2 * time.Millisecond)
	resp, _ := c.get(storyRef{"s", "a"}, "k", page("three", &loads))
	if loads != 2 || string(resp.raw) != "three" {
		t.Errorf("after the TTL: %d loads, page %q", loads, resp.raw)
	}
	if want := resp.size(); c.used != want {
		t.Errorf("used %d bytes after replacing the page, want %d", c.used, want)
	}
}

// TestStats: a hit, a miss and an eviction are counted, and the bytes
// held follow the pages stored.
func TestStats(t *testing.T) {
	one := NewPage(make([]byte, 60)).size()
	c := newCache(one * 3 / 2) // room for one page, not two
	load := func(n int) Loader {
		return func() ([]byte, bool, error) { return make([]byte, n), true, nil }
	}
	c.get(storyRef{"s", "1"}, "a", load(60))
	c.get(storyRef{"s", "1"}, "a", load(60))
	c.get(storyRef{"s", "2"}, "a", load(60)) // over the budget: evicts the first
	st := c.Stats()
	if st.Hits != 1 || st.Misses != 2 || st.Evictions != 1 || st.Budget != int64(one*3/2) {
		t.Errorf("Stats = %+v, want 1 hit, 2 misses, 1 eviction, budget %d", st, one*3/2)
	}
	if st.Bytes != int64(one) {
		t.Errorf("Bytes = %d, want the one page held (%d)", st.Bytes, one)
	}
}
