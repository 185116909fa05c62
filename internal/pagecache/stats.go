package pagecache

import "sync/atomic"

// Stats is what the cache has done since it was made, and what it holds,
// for metrics.
type Stats struct {
	Hits      uint64 // pages served from memory
	Misses    uint64 // requests that had to build a page or wait for one being built
	Evictions uint64 // times the cache emptied itself to stay within its budget
	Bytes     int64  // bytes of pages held now
	Budget    int64
}

// counters are the Stats counted outside the lock: a hit is the hottest
// path there is, and an atomic add costs it nothing it would notice.
type counters struct {
	hits, misses, evictions atomic.Uint64
}

// Stats returns the cache's counters and size.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	used := c.used + c.listUsed
	c.mu.Unlock()
	return Stats{Hits: c.counts.hits.Load(), Misses: c.counts.misses.Load(), Evictions: c.counts.evictions.Load(),
		Bytes: int64(used), Budget: int64(c.budget + c.listBudget)}
}
