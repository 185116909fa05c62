package httpapi

import (
	"net/http"
	"strings"
)

// ThreadRoute is the pattern of a story's thread pages, as the metrics
// name the route.
const ThreadRoute = "GET /api/v1/sites/{site}/stories/{story}/comments"

// ServeCached answers page 1 of a thread as the widget asks for it (GET,
// no query) when the page is cached and nothing else is needed: no CORS
// verdict that is not already known, no load. It is a web.Shortcut, for a
// server to try before routing, since for such a request the route lookup
// costs more than the answer; it writes nothing (status 0) for any other
// request, which the route (thread) then answers, misses included. It
// answers exactly as thread would.
func (a *API) ServeCached(w http.ResponseWriter, r *http.Request) (route string, status int) {
	if r.Method != http.MethodGet || r.URL.RawQuery != "" || r.URL.RawPath != "" {
		return "", 0
	}
	site, story, ok := threadPath(r.URL.Path)
	if !ok {
		return "", 0
	}
	origin := r.Header.Get("Origin")
	crossOrigin := origin != "" && !a.sameOrigin(origin)
	if crossOrigin {
		if allowed, _ := a.origins.current(); !allowed[origin] {
			return "", 0 // not known to be allowed: cors decides, and may load the sites
		}
	}
	page, ok := a.pages.Lookup(site, story, firstPageKey)
	if !ok {
		return "", 0
	}
	if crossOrigin {
		corsHeaders(w.Header(), origin)
	}
	return ThreadRoute, page.Serve(w, r, threadCacheControl)
}

// threadPath reads the site and story of a thread's path, as ThreadRoute
// matches it: two segments that are not empty, "." or "..". A path that
// the mux would clean or unescape first is not one (the caller has ruled
// out escapes).
func threadPath(p string) (site, story string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/api/v1/sites/")
	if !ok {
		return "", "", false
	}
	rest, ok = strings.CutSuffix(rest, "/comments")
	if !ok {
		return "", "", false
	}
	site, story, ok = strings.Cut(rest, "/stories/")
	if !ok || !segment(site) || !segment(story) {
		return "", "", false
	}
	return site, story, true
}

// segment reports whether s is one whole path segment the mux takes as a
// wildcard's value as it is.
func segment(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.Contains(s, "/")
}
