package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// originTTL bounds how long a site's new origin takes to be honoured on an
// instance that did not make the change itself.
const originTTL = 30 * time.Second

// originSet is the union of every site's allowed origins. A preflight
// request names no site we could check against, so CORS admits any origin
// some site allows, and the service then refuses writes from origins that
// the comment's own site does not allow.
type originSet struct {
	svc Service

	mu      sync.Mutex
	allowed map[string]bool
	loaded  time.Time
}

func newOriginSet(svc Service) *originSet { return &originSet{svc: svc} }

func (o *originSet) invalidate() {
	o.mu.Lock()
	o.allowed = nil
	o.mu.Unlock()
}

// allows reports whether origin belongs to any site. An error means the
// sites could not be read: that is an outage, not a refusal.
func (o *originSet) allows(r *http.Request, origin string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.allowed == nil || time.Since(o.loaded) > originTTL {
		sites, err := o.svc.Sites(r.Context())
		if err != nil {
			return false, err
		}
		o.allowed = make(map[string]bool)
		for _, s := range sites {
			for _, so := range s.Origins {
				o.allowed[so] = true
			}
		}
		o.loaded = time.Now()
	}
	return o.allowed[origin], nil
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
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
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
