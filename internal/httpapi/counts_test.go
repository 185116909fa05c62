package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"parley"
	"parley/internal/service"
)

const countsPath = "/api/v1/sites/news/counts?story=s1&story=s2&story=none"

// counts reads the news counts of countsPath and checks the answer.
func counts(t *testing.T, s *stack) map[string]int {
	t.Helper()
	r := s.do("GET", countsPath, "", "")
	var out struct{ Counts map[string]int }
	if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &out) != nil {
		t.Fatalf("counts: %d %s", r.status, r.body)
	}
	return out.Counts
}

// TestCountsServedLikeAPage: the counts of an article list come with a
// strong ETag, the thread's Cache-Control, Vary and gzip, answer 304 to
// their ETag, and change with the first read after a story changes.
func TestCountsServedLikeAPage(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := fixtures(t, open)
		first := s.do("GET", countsPath, "", "")
		etag := first.header.Get("ETag")
		if first.status != 200 || !strings.HasPrefix(etag, `"`) || !strings.Contains(first.body, `"s1":2`) ||
			first.header.Get("Cache-Control") != "public, max-age=0, s-maxage=5, stale-while-revalidate=30" ||
			!strings.Contains(first.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("counts: %d %v %s", first.status, first.header, first.body)
		}
		if again := s.do("GET", countsPath, "", "", "If-None-Match: "+etag); again.status != http.StatusNotModified || again.body != "" {
			t.Errorf("revalidation: %d %q, want 304 without a body", again.status, again.body)
		}
		if gz := s.do("GET", countsPath, "", "", "Accept-Encoding: gzip"); gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("Content-Length") == "" {
			t.Errorf("gzip: %v", gz.header)
		}
		s.MustPost("c3", "Dora", "news", "s2", "", "Noch einer.")
		if got := counts(t, s); got["s2"] != 2 || got["s1"] != 2 || got["none"] != 0 {
			t.Errorf("after a post to s2: %v", got)
		}
		if r := s.do("GET", countsPath, "", "", "If-None-Match: "+etag); r.status != http.StatusOK {
			t.Errorf("the old ETag after a change: %d, want 200", r.status)
		}
		if r := s.do("DELETE", s.expand("/api/v1/comments/{c3}"), "", "Dora"); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if got := counts(t, s); got["s2"] != 1 {
			t.Errorf("after deleting it again: %v", got)
		}
		// A list spelt otherwise (a cache buster) is answered all the same.
		if r := s.do("GET", countsPath+"&_=123", "", ""); r.status != 200 || !strings.Contains(r.body, `"s2":1`) {
			t.Errorf("with a cache buster: %d %s", r.status, r.body)
		}
	})
}

// TestCountsNeverShowPendingOrRejected: a held comment is in no count,
// cached or not, until it is approved; a rejected one never.
func TestCountsNeverShowPendingOrRejected(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := fixtures(t, open)
		counts(t, s) // cached before the posts
		moderateNews(s, func(m *parley.Moderation) { m.Premoderation = parley.PremoderateAll })
		s.MustPost("p1", "Erik", "news", "s1", "", "Wartet auf Freigabe.")
		s.MustPost("p2", "Erik", "news", "s1", "", "Wartet auch.")
		if got := counts(t, s); got["s1"] != 2 {
			t.Fatalf("with two pending comments: %v, want s1 2", got)
		}
		decide := func(id, action string) {
			t.Helper()
			d := service.Decision{SiteID: "news", CommentIDs: []string{s.ids[id]}, Action: action}
			if action == "reject" {
				d.Reason = "spam"
			}
			if _, err := s.svc.Decide(moderatorOf(s), d); err != nil {
				t.Fatalf("%s %s: %v", action, id, err)
			}
		}
		decide("p1", "approve")
		if got := counts(t, s); got["s1"] != 3 {
			t.Errorf("after approving one: %v, want s1 3", got)
		}
		decide("p2", "reject")
		if got := counts(t, s); got["s1"] != 3 {
			t.Errorf("after rejecting the other: %v, want s1 3", got)
		}
		decide("p1", "reject")
		if got := counts(t, s); got["s1"] != 2 {
			t.Errorf("after rejecting the approved one: %v, want s1 2", got)
		}
	})
}
