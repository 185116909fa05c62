package pagecache

// List pages hold something of several stories of a site at once: the
// comment counts of an article list are the one kind today. They are
// served like thread pages (encoded once, ETag, gzip) and dropped when any
// of their stories changes, but they live within their own share of the
// budget: every set of story IDs is a page of its own, so a stream of
// made-up lists can only push out other lists, never the threads.

// listShare is the part of the budget list pages get: 1/listShare. A list
// of 20 stories costs about 4 kB with its bookkeeping, so the default
// budget keeps some 2,000 article lists.
const listShare = 8

// listCost is what each story of a list page is charged beyond the page's
// bytes: its entry in the story's set of lists and, when only lists hold
// the story, the story's own entry.
const listCost = 160

// maxListStories bounds the stories of a list page that can be kept; a
// larger list is served but not kept. The API bounds its lists tighter.
const maxListStories = 256

// listRef names a list page: its site and the caller's key.
type listRef struct{ site, key string }

type listPage struct {
	page    *Page
	stories []storyRef
	size    int // charged against listBudget
}

// dep is a story a list load depends on, with its generation when the
// load began.
type dep struct {
	ref storyRef
	sp  *storyPages
	gen uint64
}

// GetList returns the list page for key of a site, loading it with load on
// a miss. stories names the page's stories; it is called on a miss only, so
// that a hit parses nothing, and before load, so that a change to any of
// them while the page is built keeps the page from being stored.
// Concurrent misses for one key share one load.
func (c *Cache) GetList(siteID, key string, stories func() []string, load Loader) (*Page, error) {
	ref := listRef{siteID, key}
	c.mu.Lock()
	if lp, ok := c.listPages[ref]; ok && c.now().Sub(lp.page.made) < pageTTL {
		c.mu.Unlock()
		c.counts.hits.Add(1)
		return lp.page, nil
	}
	c.counts.misses.Add(1)
	full := flightKey{ref: storyRef{site: siteID}, key: key, list: true}
	if cl, ok := c.inflight[full]; ok {
		cl.waiters++
		c.mu.Unlock()
		<-cl.done
		return cl.resp, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[full] = cl
	c.mu.Unlock()
	c.runList(ref, full, cl, stories, load)
	return cl.resp, cl.err
}

// runList performs a list load and settles it, even if stories or load
// panics, so that waiters are never left hanging.
func (c *Cache) runList(ref listRef, full flightKey, cl *call, stories func() []string, load Loader) {
	var deps []dep
	keep := false
	defer func() {
		c.mu.Lock()
		delete(c.inflight, full)
		fresh := len(deps) > 0
		for _, d := range deps {
			fresh = fresh && d.sp.gen == d.gen
		}
		if keep && fresh && cl.err == nil {
			c.storeList(ref, deps, cl.resp) // while loading keeps the stories in c.stories
		}
		for _, d := range deps {
			d.sp.loading--
			c.forgetIdle(d.ref, d.sp)
		}
		c.mu.Unlock()
		close(cl.done)
	}()
	cl.err = errLoadPanicked // replaced unless stories or load panics
	ids := stories()
	c.mu.Lock()
	deps = c.watch(ref.site, ids)
	c.mu.Unlock()
	keep = c.load(cl, load)
}

// watch notes a list load on each of its stories and returns them with
// their generations; nil for a list too long (or too short) to keep.
func (c *Cache) watch(site string, ids []string) []dep {
	if len(ids) == 0 || len(ids) > maxListStories {
		return nil
	}
	deps := make([]dep, len(ids))
	for i, id := range ids {
		ref := storyRef{site, id}
		sp := c.story(ref)
		sp.loading++
		deps[i] = dep{ref: ref, sp: sp, gen: sp.gen}
	}
	return deps
}

// storeList keeps p as the list page ref of the stories deps, within the
// lists' budget.
func (c *Cache) storeList(ref listRef, deps []dep, p *Page) {
	size := p.size() + len(ref.key) + len(deps)*listCost
	if size > c.listBudget {
		return
	}
	c.dropList(ref) // an expired page being replaced
	if c.listUsed+size > c.listBudget {
		c.counts.evictions.Add(1)
		c.dropLists()
	}
	lp := &listPage{page: p, size: size, stories: make([]storyRef, len(deps))}
	for i, d := range deps {
		lp.stories[i] = d.ref
		if d.sp.lists == nil {
			d.sp.lists = make(map[listRef]struct{})
		}
		d.sp.lists[ref] = struct{}{}
	}
	c.listPages[ref] = lp
	c.listUsed += size
}

// dropList forgets a list page and its place in its stories' sets.
func (c *Cache) dropList(ref listRef) {
	lp, ok := c.listPages[ref]
	if !ok {
		return
	}
	delete(c.listPages, ref)
	c.listUsed -= lp.size
	for _, s := range lp.stories {
		if sp, ok := c.stories[s]; ok {
			delete(sp.lists, ref)
			c.forgetIdle(s, sp)
		}
	}
}

// dropLists forgets every list page: simple, bounded, and rare at a sane
// budget, as evict is for story pages.
func (c *Cache) dropLists() {
	for ref := range c.listPages {
		c.dropList(ref)
	}
}
