package service

import (
	"sync"
	"time"

	"parley"
)

// siteTTL bounds how long another instance's change to a site's settings
// takes to reach this one. Every request needs its site, and settings
// change rarely, so reading them from the database each time would be the
// most frequent query Parley makes.
const siteTTL = 10 * time.Second

// siteCache keeps recently used sites in memory.
type siteCache struct {
	mu    sync.Mutex
	sites map[string]cachedSite
}

type cachedSite struct {
	site *parley.Site
	at   time.Time
}

func newSiteCache() *siteCache { return &siteCache{sites: make(map[string]cachedSite)} }

// get returns a copy of the cached site, so callers may change it freely.
func (c *siteCache) get(id string) (*parley.Site, bool) {
	c.mu.Lock()
	e, ok := c.sites[id]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > siteTTL {
		return nil, false
	}
	s := *e.site
	return &s, true
}

func (c *siteCache) put(s *parley.Site) {
	cp := *s
	c.mu.Lock()
	c.sites[s.ID] = cachedSite{site: &cp, at: time.Now()}
	c.mu.Unlock()
}

func (c *siteCache) drop(id string) {
	c.mu.Lock()
	delete(c.sites, id)
	c.mu.Unlock()
}
