package httpapi

import (
	"errors"
	"testing"
)

func TestCacheServesUntilInvalidated(t *testing.T) {
	c := newCache(1 << 20)
	loads := 0
	load := func() ([]byte, error) { loads++; return []byte(`{"n":1}`), nil }
	for range 3 {
		if _, err := c.get("s/a", "k", load); err != nil {
			t.Fatal(err)
		}
	}
	if loads != 1 {
		t.Fatalf("%d loads for three gets, want 1", loads)
	}
	c.invalidate("s", "a")
	c.get("s/a", "k", load)
	if loads != 2 {
		t.Errorf("%d loads after an invalidation, want 2", loads)
	}
	if _, err := c.get("s/a", "bad", func() ([]byte, error) { return nil, errors.New("boom") }); err == nil {
		t.Error("a failed load reported no error")
	}
}

// TestCacheDropsARacingLoad: a page loaded while its story changed must
// not be kept, or readers would see the old thread until the next change.
func TestCacheDropsARacingLoad(t *testing.T) {
	c := newCache(1 << 20)
	c.get("s/a", "k", func() ([]byte, error) {
		c.invalidate("s", "a") // the story changes while the page is read
		return []byte("old"), nil
	})
	resp, _ := c.get("s/a", "k", func() ([]byte, error) { return []byte("new"), nil })
	if string(resp.raw) != "new" {
		t.Errorf("got %q after a racing change, want the fresh page", resp.raw)
	}
}

func TestCacheForgetsStoriesNobodyReads(t *testing.T) {
	c := newCache(1 << 20)
	for i := range 1000 {
		c.invalidate("s", string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	if len(c.stories) != 0 {
		t.Errorf("%d stories kept after invalidations alone, want 0", len(c.stories))
	}
}

func TestCacheStaysWithinBudget(t *testing.T) {
	c := newCache(10_000)
	for i := range 100 {
		key := string(rune('a' + i%26))
		c.get("s/"+key+string(rune('a'+i/26)), "k", func() ([]byte, error) { return make([]byte, 1000), nil })
	}
	if c.used > c.budget {
		t.Errorf("cache uses %d bytes, budget %d", c.used, c.budget)
	}
}
