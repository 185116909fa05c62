package pagecache

import (
	"fmt"
	"testing"
	"time"
)

// ids returns a stories function for GetList.
func ids(stories ...string) func() []string { return func() []string { return stories } }

func TestListServedUntilOneOfItsStoriesChanges(t *testing.T) {
	c := newCache(1 << 20)
	loads := 0
	get := func() {
		t.Helper()
		if _, err := c.GetList("s", "story=a&story=b", ids("a", "b"), page(`{"counts":{}}`, &loads)); err != nil {
			t.Fatal(err)
		}
	}
	get()
	get()
	if loads != 1 {
		t.Fatalf("%d loads for two gets, want 1", loads)
	}
	c.invalidate("s", "c") // not in the list
	c.invalidate("t", "a") // another site's story a
	get()
	if loads != 1 {
		t.Errorf("%d loads after changes to other stories, want 1", loads)
	}
	c.invalidate("s", "b")
	get()
	if loads != 2 {
		t.Errorf("%d loads after a change to b, want 2", loads)
	}
	c.invalidateAll()
	get()
	if loads != 3 {
		t.Errorf("%d loads after lost events, want 3", loads)
	}
}

// TestListDropsARacingLoad: a list loaded while one of its stories
// changed must not be kept.
func TestListDropsARacingLoad(t *testing.T) {
	c := newCache(1 << 20)
	c.GetList("s", "k", ids("a", "b"), func() ([]byte, bool, error) {
		c.invalidate("s", "b")
		return []byte("old"), true, nil
	})
	p, _ := c.GetList("s", "k", ids("a", "b"), page("new", nil))
	if string(p.raw) != "new" {
		t.Errorf("got %q after a racing change, want the fresh list", p.raw)
	}
}

// TestListsCannotPushOutThreads: made-up lists, however many, stay within
// the lists' share of the budget and leave the story pages alone; once
// dropped they leave no entry behind.
func TestListsCannotPushOutThreads(t *testing.T) {
	c := newCache(80_000)
	// A stopped clock: on a loaded machine the 2,000 lists below can take
	// longer than pageTTL, and an expired page is not what this is about.
	now := time.Now()
	c.now = func() time.Time { return now }
	threadLoads := 0
	c.get(storyRef{"s", "a"}, "k", page("thread", &threadLoads))
	for i := range 2000 {
		key := fmt.Sprintf("story=x%d&story=y%d", i, i)
		c.GetList("s", key, ids(fmt.Sprint("x", i), fmt.Sprint("y", i)), page(`{"counts":{"x":0,"y":0}}`, nil))
		if c.listUsed > c.listBudget {
			t.Fatalf("lists use %d bytes, budget %d", c.listUsed, c.listBudget)
		}
	}
	c.get(storyRef{"s", "a"}, "k", page("thread", &threadLoads))
	if threadLoads != 1 {
		t.Errorf("the thread page was loaded %d times, want 1: lists pushed it out", threadLoads)
	}
	c.dropLists()
	if len(c.stories) != 1 || c.listUsed != 0 || len(c.listPages) != 0 {
		t.Errorf("after dropping the lists: %d stories, %d bytes, %d lists; want the thread's story only",
			len(c.stories), c.listUsed, len(c.listPages))
	}
}

// TestListKeepsNothingForNothing: failed loads, lists not worth keeping or
// too long, and a panicking stories function leave no entry behind.
func TestListKeepsNothingForNothing(t *testing.T) {
	c := newCache(1 << 20)
	long := make([]string, maxListStories+1)
	for i := range long {
		long[i] = fmt.Sprint("l", i)
	}
	for i := range 100 {
		a, b := fmt.Sprint("a", i), fmt.Sprint("b", i)
		c.GetList("s", "e"+a, ids(a, b), func() ([]byte, bool, error) { return nil, false, fmt.Errorf("no such site") })
		c.GetList("s", "n"+a, ids(a, b), func() ([]byte, bool, error) { return []byte("{}"), false, nil })
		c.GetList("s", "long", ids(long...), page("{}", nil))
	}
	func() {
		defer func() { recover() }()
		c.GetList("s", "boom", func() []string { panic("boom") }, page("{}", nil))
	}()
	if len(c.stories) != 0 || len(c.listPages) != 0 || c.listUsed != 0 || len(c.inflight) != 0 {
		t.Errorf("%d stories, %d lists, %d bytes, %d loads kept; want none",
			len(c.stories), len(c.listPages), c.listUsed, len(c.inflight))
	}
}

// TestListPagesExpire: as story pages, list pages are reloaded after
// pageTTL, and the replaced page is no longer charged.
func TestListPagesExpire(t *testing.T) {
	c := newCache(1 << 20)
	loads := 0
	c.GetList("s", "k", ids("a"), page("one", &loads))
	used := c.listUsed
	c.listPages[listRef{"s", "k"}].page.made = c.now().Add(-pageTTL)
	p, _ := c.GetList("s", "k", ids("a"), page("two", &loads))
	if loads != 2 || string(p.raw) != "two" || c.listUsed != used {
		t.Errorf("after the TTL: %d loads, page %q, %d bytes used (was %d)", loads, p.raw, c.listUsed, used)
	}
}
