package httpapi

import "testing"

// TestKeepableList: only a plain list of distinct stories is kept, so that
// one list cannot be many keys of the cache.
func TestKeepableList(t *testing.T) {
	for _, tc := range []struct {
		query string
		keep  bool
	}{
		{"story=a&story=b", true},
		{"story=a", true},
		{"story=a&story=a", false},
		{"story=a&_=1", false},
		{"", false},
		{"lang=de", false},
	} {
		if got := keepableList(tc.query, countStories(tc.query)); got != tc.keep {
			t.Errorf("keepableList(%q) = %v, want %v", tc.query, got, tc.keep)
		}
	}
}

// TestSelfBoundedRoutesExist: every route spared the request deadline is
// in the routes table, so that a renamed route cannot lose its deadline
// or keep an exemption it no longer needs without a test noticing.
func TestSelfBoundedRoutesExist(t *testing.T) {
	n := 0
	for _, rt := range (&API{}).routes() {
		if selfBounded(rt.pattern) {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d self-bounded routes in the table, want the 5 selfBounded names", n)
	}
}
