package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"parley"
)

// originTTL bounds how long a site's new origin takes to be honoured on an
// instance that did not make the change itself.
const originTTL = 30 * time.Second

// originSet is the union of every site's allowed origins. A preflight
// request names no site we could check against, so CORS admits any origin
// some site allows, and the service then refuses writes from origins that
// the comment's own site does not allow.
type originSet struct {
	svc   Service
	unsub func()

	// load serializes reloads, so that requests after an expiry share one
	// query; mu guards the fields only and is never held across a query,
	// so that invalidate, which runs on the publisher's goroutine, never
	// waits for the database.
	load    sync.Mutex
	mu      sync.Mutex
	allowed map[string]bool
	loaded  time.Time
	gen     uint64 // raised by invalidate: a reload that raced it is not kept
}

// newOriginSet returns the set, reloaded after every site event on bus.
func newOriginSet(svc Service, bus parley.Bus) (*originSet, error) {
	o := &originSet{svc: svc}
	unsub, err := bus.Subscribe(parley.Topic{Kind: parley.TopicSites}, o.invalidate)
	if err != nil {
		return nil, fmt.Errorf("subscribe the allowed origins: %w", err)
	}
	o.unsub = unsub
	return o, nil
}

func (o *originSet) close() { o.unsub() }

// invalidate is the set's bus handler: any site event, or a lost one,
// makes the next request read the sites again.
func (o *originSet) invalidate(parley.Event) {
	o.mu.Lock()
	o.allowed = nil
	o.gen++
	o.mu.Unlock()
}

// current returns the set if it is fresh, and the generation it is of.
func (o *originSet) current() (map[string]bool, uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.allowed == nil || time.Since(o.loaded) > originTTL {
		return nil, o.gen
	}
	return o.allowed, o.gen
}

// allows reports whether origin belongs to any site. An error means the
// sites could not be read: that is an outage, not a refusal.
func (o *originSet) allows(r *http.Request, origin string) (bool, error) {
	if allowed, _ := o.current(); allowed != nil {
		return allowed[origin], nil
	}
	o.load.Lock()
	defer o.load.Unlock()
	allowed, gen := o.current() // another request may have reloaded it
	if allowed != nil {
		return allowed[origin], nil
	}
	// Bounded here, since the cached pages run without a request deadline.
	ctx, cancel := context.WithTimeout(r.Context(), loadTimeout)
	defer cancel()
	sites, err := o.svc.Sites(ctx)
	if err != nil {
		return false, err
	}
	allowed = make(map[string]bool)
	for _, s := range sites {
		for _, so := range s.Origins {
			allowed[so] = true
		}
	}
	o.mu.Lock()
	if o.gen == gen {
		o.allowed, o.loaded = allowed, time.Now()
	}
	o.mu.Unlock()
	return allowed[origin], nil
}

// cors writes CORS headers for cross-origin requests and answers
// preflights. It returns false when the request is answered.
//
// Every browser origin gets CORS headers, even one that no site allows:
// otherwise the browser hides the refusal and the widget can only say "no
// connection", which sends a publisher setting up the block hunting for a
// network problem. Such an origin is served nothing but a readable 403
// (key originNotAllowed), and the server logs it once.
func (a *API) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if origin == "" || a.sameOrigin(origin) {
		return !preflight || answerPreflight(w, false)
	}
	corsHeaders(w.Header(), origin)
	if preflight {
		return answerPreflight(w, true) // the request that follows gets the verdict
	}
	allowed, err := a.origins.allows(r, origin)
	if err == nil && !allowed {
		a.refused.note(r.Context(), origin)
		err = originNotAllowed(origin)
	}
	if err != nil {
		a.Error(w, r, err)
		return false
	}
	return true
}

// corsHeaders lets origin read the answer, and its ETag.
func corsHeaders(h http.Header, origin string) {
	if len(h["Vary"]) == 0 {
		h["Vary"] = varyOnOrigin
	} else {
		h["Vary"] = append(h["Vary"], "Origin")
	}
	h["Access-Control-Allow-Origin"] = []string{origin}
	h["Access-Control-Expose-Headers"] = exposedHeaders
}

// The CORS header values every cross-origin answer shares, prepared once
// as a header map holds them (capacity equal to length, so that a later
// Add copies): widgets on publishers' pages read page 1 cross-origin.
var (
	varyOnOrigin   = []string{"Origin"}[:1:1]
	exposedHeaders = []string{"ETag, Retry-After"}[:1:1]
)

func answerPreflight(w http.ResponseWriter, allowed bool) bool {
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
		h.Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
	return false
}

// sameOrigin reports whether origin is Parley's own public origin, as for
// its own pages. The Host header is no evidence: anyone can send any.
func (a *API) sameOrigin(origin string) bool {
	return a.publicOrigin != "" && strings.EqualFold(origin, a.publicOrigin)
}
