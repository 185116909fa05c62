package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// response is an encoded public response, ready to be written as it is to
// any number of readers: the body raw and gzipped, and its ETag.
type response struct {
	raw, gz   []byte
	etag      string
	rawLength string
	gzLength  string
	made      time.Time
}

// newResponse encodes a page that will be served many times: it is worth
// the best compression.
func newResponse(raw []byte) *response {
	r := bareResponse(raw)
	r.gz = compress(raw, gzip.BestCompression)
	r.gzLength = strconv.Itoa(len(r.gz))
	return r
}

// freshResponse encodes a page served once, for req: it is gzipped only if
// the client takes gzip, and quickly.
func freshResponse(req *http.Request, raw []byte) *response {
	r := bareResponse(raw)
	if acceptsGzip(req) {
		r.gz = compress(raw, gzip.DefaultCompression)
		r.gzLength = strconv.Itoa(len(r.gz))
	}
	return r
}

func bareResponse(raw []byte) *response {
	sum := sha256.Sum256(raw)
	return &response{
		raw:       raw,
		etag:      `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		rawLength: strconv.Itoa(len(raw)),
	}
}

func compress(raw []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level)
	zw.Write(raw)
	zw.Close()
	return buf.Bytes()
}

func (r *response) size() int { return len(r.raw) + len(r.gz) + 128 }

// cache keeps encoded thread pages per story, so that a page is built once
// per change and then served as bytes: the public thread is the same for
// every anonymous reader. Any change to a story drops its pages. A
// generation counter per story keeps a load that raced with a change from
// storing a page that is already stale. Concurrent misses for one key share
// one load.
type cache struct {
	now      func() time.Time // the wall clock; tests move it
	mu       sync.Mutex
	budget   int
	used     int
	stories  map[string]*storyPages
	inflight map[string]*call
}

type storyPages struct {
	gen     uint64
	pages   map[string]*response
	loading int // loads in flight; while there are any, gen must survive
}

type call struct {
	done    chan struct{}
	waiters int // requests sharing the load, besides the one running it
	resp    *response
	err     error
}

func newCache(budget int) *cache {
	return &cache{now: time.Now, budget: budget, stories: make(map[string]*storyPages), inflight: make(map[string]*call)}
}

// pageTTL bounds how long a page stays cached without a change to its
// story being seen: changes made on another instance reach this one's
// cache only by expiry, as long as no bus carries them. It matches the
// s-maxage that lets CDNs keep a page.
const pageTTL = 5 * time.Second

// loader builds a page. keep is false for a page not worth keeping, such
// as the empty thread of a story nobody has commented on: any URL can ask
// for one, and keeping them would let anyone fill the cache.
type loader func() (raw []byte, keep bool, err error)

// get returns the page for key of story, loading it with load on a miss.
// Concurrent misses for one key share one load.
func (c *cache) get(story, key string, load loader) (*response, error) {
	c.mu.Lock()
	sp := c.story(story)
	if resp, ok := sp.pages[key]; ok && c.now().Sub(resp.made) < pageTTL {
		c.mu.Unlock()
		return resp, nil
	}
	full := story + "\x00" + key
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
func (c *cache) run(story, full, key string, gen uint64, sp *storyPages, cl *call, load loader) {
	keep := false
	defer func() {
		c.mu.Lock()
		delete(c.inflight, full)
		sp.loading--
		if keep && cl.err == nil {
			c.store(sp, gen, key, cl.resp)
		} else if sp.loading == 0 && len(sp.pages) == 0 && c.stories[story] == sp {
			delete(c.stories, story)
		}
		c.mu.Unlock()
		close(cl.done)
	}()
	cl.err = errLoadPanicked // replaced unless load panics
	raw, k, err := load()
	keep, cl.err = k, err
	if err == nil {
		cl.resp = newResponse(raw)
		cl.resp.made = c.now()
	}
}

// errLoadPanicked is what waiters get when the load they waited for panicked.
var errLoadPanicked = errors.New("httpapi: page load panicked")

func (c *cache) story(story string) *storyPages {
	sp, ok := c.stories[story]
	if !ok {
		sp = &storyPages{pages: make(map[string]*response)}
		c.stories[story] = sp
	}
	return sp
}

// store keeps resp unless the story changed since gen was read.
func (c *cache) store(sp *storyPages, gen uint64, key string, resp *response) {
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

// evict empties the cache: simple, bounded, and rare at a sane budget.
func (c *cache) evict() {
	for id, sp := range c.stories {
		sp.pages = make(map[string]*response)
		if sp.loading == 0 {
			delete(c.stories, id)
		}
	}
	c.used = 0
}

// invalidate drops every cached page of a story. A story with no load in
// flight is forgotten entirely, so that the cache holds nothing for stories
// nobody reads; one with a load in flight keeps its raised generation, so
// that the load does not store a page older than the change.
func (c *cache) invalidate(siteID, storyID string) {
	story := storyKey(siteID, storyID)
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
	sp.pages = make(map[string]*response)
	if sp.loading == 0 {
		delete(c.stories, story)
	}
}

func storyKey(siteID, storyID string) string { return siteID + "/" + storyID }
