// Package pagecache keeps the public thread pages that every anonymous
// reader gets as the same bytes, encoded and pre-compressed, so that a page
// is built once per change and then served from memory. It learns of
// changes from the bus alone: an event of a story drops that story's
// pages, and a lost event (parley.EventMissed) drops them all. The JSON API
// serves thread pages from it today; the server-rendered block can too.
package pagecache

import (
	"errors"
	"sync"
	"time"

	"parley"
)

// DefaultSize is the cache's budget in bytes when none is configured.
const DefaultSize = 64 << 20

// Option configures a Cache.
type Option func(*Cache)

// WithClock replaces the wall clock that pages expire by, for tests.
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// New returns a cache of encoded pages within budget bytes, kept current
// by the story events on bus. Close it to stop listening.
func New(budget int64, bus parley.Bus, opts ...Option) (*Cache, error) {
	c := newCache(int(budget))
	for _, opt := range opts {
		opt(c)
	}
	unsub, err := bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, c.onEvent)
	if err != nil {
		return nil, err
	}
	c.unsub = unsub
	return c, nil
}

// Close stops the cache listening to the bus.
func (c *Cache) Close() {
	if c.unsub != nil {
		c.unsub()
	}
}

// onEvent is the cache's bus handler: quick, it only drops pages.
func (c *Cache) onEvent(ev parley.Event) {
	if ev.Type == parley.EventMissed {
		c.invalidateAll()
		return
	}
	c.invalidate(ev.SiteID, ev.StoryID)
}

// Get returns the page for key of a story, loading it with load on a miss.
// Concurrent misses for one key share one load.
func (c *Cache) Get(siteID, storyID, key string, load Loader) (*Page, error) {
	return c.get(storyRef{siteID, storyID}, key, load)
}

// Lookup returns the cached page for key of a story, if there is a fresh
// one, and loads nothing: for a server that answers hits before routing a
// request and leaves misses to the handler that can load them (Get). A
// miss is not counted here, since that Get counts it.
func (c *Cache) Lookup(siteID, storyID, key string) (*Page, bool) {
	c.mu.Lock()
	p, ok := c.fresh(storyRef{siteID, storyID}, key)
	c.mu.Unlock()
	if ok {
		c.counts.hits.Add(1)
	}
	return p, ok
}

// fresh returns the page for key of story if it is cached and younger
// than pageTTL. c.mu must be held.
func (c *Cache) fresh(story storyRef, key string) (*Page, bool) {
	if sp, ok := c.stories[story]; ok {
		if p, ok := sp.pages[key]; ok && c.now().Sub(p.made) < pageTTL {
			return p, true
		}
	}
	return nil, false
}

// Cache keeps encoded thread pages per story, so that a page is built once
// per change and then served as bytes: the public thread is the same for
// every anonymous reader. Any change to a story drops its pages. A
// generation counter per story keeps a load that raced with a change from
// storing a page that is already stale. Concurrent misses for one key share
// one load.
type Cache struct {
	now      func() time.Time // the wall clock; tests move it
	unsub    func()
	mu       sync.Mutex
	budget   int // for the pages of one story; lists have listBudget
	used     int
	stories  map[storyRef]*storyPages
	inflight map[flightKey]*call
	counts   counters

	// Pages of several stories (list.go), within their own budget.
	listBudget, listUsed int
	listPages            map[listRef]*listPage
}

// storyRef names a story of a site. As a map key it costs no allocation
// to build, unlike a joined string, and a cached page's lookup makes none.
type storyRef struct{ site, story string }

// flightKey names one load in flight: a story's page, or a list page
// (story empty).
type flightKey struct {
	ref  storyRef
	key  string
	list bool
}

type storyPages struct {
	gen     uint64
	pages   map[string]*Page
	lists   map[listRef]struct{} // the list pages that hold this story
	loading int                  // loads in flight; while there are any, gen must survive
}

// idle reports whether sp holds nothing and nothing depends on it: it can
// be forgotten, and a later read starts afresh.
func (sp *storyPages) idle() bool { return sp.loading == 0 && len(sp.pages) == 0 && len(sp.lists) == 0 }

type call struct {
	done    chan struct{}
	waiters int // requests sharing the load, besides the one running it
	resp    *Page
	err     error
}

func newCache(budget int) *Cache {
	lb := budget / listShare
	return &Cache{now: time.Now, budget: budget - lb, stories: make(map[storyRef]*storyPages), inflight: make(map[flightKey]*call),
		listBudget: lb, listPages: make(map[listRef]*listPage)}
}

// pageTTL bounds how long a page stays cached without a change to its
// story being seen: changes made on another instance reach this one's
// cache by expiry when no bus between instances carries them, or when
// the bus lost them. It matches the s-maxage that lets CDNs keep a page.
const pageTTL = 5 * time.Second

// Loader builds a page. keep is false for a page not worth keeping, such
// as the empty thread of a story nobody has commented on: any URL can ask
// for one, and keeping them would let anyone fill the cache.
type Loader func() (raw []byte, keep bool, err error)

// get is Get by the story's reference.
func (c *Cache) get(story storyRef, key string, load Loader) (*Page, error) {
	c.mu.Lock()
	if p, ok := c.fresh(story, key); ok {
		c.mu.Unlock()
		c.counts.hits.Add(1)
		return p, nil
	}
	c.counts.misses.Add(1)
	sp := c.story(story)
	full := flightKey{ref: story, key: key}
	if cl, ok := c.inflight[full]; ok {
		cl.waiters++
		c.mu.Unlock()
		<-cl.done
		return cl.resp, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[full] = cl
	gen := sp.gen
	sp.loading++
	c.mu.Unlock()
	c.run(story, full, key, gen, sp, cl, load)
	return cl.resp, cl.err
}

// run performs a load and settles it, even if the load panics, so that
// waiters are never left hanging.
func (c *Cache) run(story storyRef, full flightKey, key string, gen uint64, sp *storyPages, cl *call, load Loader) {
	keep := false
	defer func() {
		c.mu.Lock()
		delete(c.inflight, full)
		if keep && cl.err == nil {
			c.store(sp, gen, key, cl.resp) // while loading keeps sp in c.stories
		}
		sp.loading--
		c.forgetIdle(story, sp)
		c.mu.Unlock()
		close(cl.done)
	}()
	keep = c.load(cl, load)
}

// load runs a loader for the call cl and reports whether its page is
// worth keeping. cl.err stays errLoadPanicked if the loader panics.
func (c *Cache) load(cl *call, load Loader) (keep bool) {
	cl.err = errLoadPanicked // replaced unless load panics
	raw, keep, err := load()
	cl.err = err
	if err == nil {
		cl.resp = NewPage(raw)
		cl.resp.made = c.now()
	}
	return keep
}

// forgetIdle drops the entry of a story that holds nothing any more.
func (c *Cache) forgetIdle(story storyRef, sp *storyPages) {
	if sp.idle() && c.stories[story] == sp {
		delete(c.stories, story)
	}
}

// errLoadPanicked is what waiters get when the load they waited for panicked.
var errLoadPanicked = errors.New("pagecache: page load panicked")

func (c *Cache) story(story storyRef) *storyPages {
	sp, ok := c.stories[story]
	if !ok {
		sp = &storyPages{pages: make(map[string]*Page)}
		c.stories[story] = sp
	}
	return sp
}

// store keeps resp unless the story changed since gen was read.
func (c *Cache) store(sp *storyPages, gen uint64, key string, resp *Page) {
	if sp.gen != gen {
		return
	}
	if c.used+resp.size() > c.budget {
		c.evict()
	}
	if old, ok := sp.pages[key]; ok {
		c.used -= old.size() // an expired page being replaced
	}
	sp.pages[key] = resp
	c.used += resp.size()
}

// evict empties the cache of story pages: simple, bounded, and rare at a
// sane budget. List pages have their own budget and stay.
func (c *Cache) evict() {
	c.counts.evictions.Add(1)
	for id, sp := range c.stories {
		sp.pages = make(map[string]*Page)
		c.forgetIdle(id, sp)
	}
	c.used = 0
}

// invalidate drops every cached page of a story. A story with no load in
// flight is forgotten entirely, so that the cache holds nothing for stories
// nobody reads; one with a load in flight keeps its raised generation, so
// that the load does not store a page older than the change.
func (c *Cache) invalidate(siteID, storyID string) {
	story := storyRef{siteID, storyID}
	c.mu.Lock()
	defer c.mu.Unlock()
	sp, ok := c.stories[story]
	if !ok {
		return
	}
	sp.gen++
	for _, r := range sp.pages {
		c.used -= r.size()
	}
	sp.pages = make(map[string]*Page)
	for ref := range sp.lists {
		c.dropList(ref)
	}
	c.forgetIdle(story, sp)
}

// invalidateAll drops every page, and raises the generation of every story
// with a load in flight, as if each had changed.
func (c *Cache) invalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLists()
	for id, sp := range c.stories {
		sp.gen++
		sp.pages = make(map[string]*Page)
		c.forgetIdle(id, sp)
	}
	c.used = 0
}
