package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// counts serves the comment counts of an article list's stories the way a
// thread page is served: from the page cache, as bytes encoded once, with
// an ETag, until one of the stories changes. Article lists ask for the
// same stories in the same order on every view, so the raw query is the
// key, and a hit parses nothing.
//
// Only a list that is exactly a list of distinct stories is kept; one with
// other parameters (a cache buster) or a story twice is answered but not
// kept, so that a list is one key however many ways one might spell it
// around that. The service bounds a list at 100 stories, the cache's
// share for lists bounds how many are kept, and pending or rejected
// comments are in no count (the stories' counts hold approved ones only).
func (a *API) counts(w http.ResponseWriter, r *http.Request) error {
	site, query := r.PathValue("site"), r.URL.RawQuery
	page, err := a.pages.GetList(site, query, func() []string { return countStories(query) }, func() ([]byte, bool, error) {
		// The load serves every reader waiting for this list: it must
		// not fail because the first of them went away.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), loadTimeout)
		defer cancel()
		ids := countStories(query)
		counts, err := a.svc.Counts(ctx, site, ids)
		if err != nil {
			return nil, false, err
		}
		raw, err := encodeCounts(counts)
		return raw, keepableList(query, ids), err
	})
	if err != nil {
		return err
	}
	page.Serve(w, r, threadCacheControl)
	return nil
}

// countStories is the list of story IDs a counts query names, in order.
func countStories(query string) []string {
	q, _ := url.ParseQuery(query) // what parses is used, as with URL.Query
	return q["story"]
}

// keepableList reports whether a counts query is only the distinct
// stories ids, with nothing else that would make one list many keys.
func keepableList(query string, ids []string) bool {
	q, _ := url.ParseQuery(query)
	if len(q) != 1 || len(ids) == 0 {
		return false
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}

// encodeCounts makes the body of a counts answer, {"counts":{id:n,…}}
// as before it was cached: the IDs sorted (as encoding/json sorts map
// keys), so that equal counts are equal bytes and ETags.
func encodeCounts(counts map[string]int) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]map[string]int{"counts": counts}); err != nil {
		return nil, fmt.Errorf("encode counts: %w", err)
	}
	return buf.Bytes(), nil
}
