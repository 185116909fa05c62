package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scenario is one request against a fresh stack built by fixtures.
type scenario struct {
	name    string
	before  func(s *stack)
	method  string
	path    string // {name} is replaced by a fixture comment ID
	body    string
	as      string   // fixture commenter whose token is sent
	header  []string // extra headers, "Key: Value"
	status  int
	code    string   // error code expected in the body
	want    []string // substrings the body must contain
	wantNot []string // substrings it must not contain
	check   func(t *testing.T, s *stack, r response)
	// form, when set, posts the block's form instead of body: a valid
	// post (see formPost) with these fields replaced.
	form url.Values
}

// TestScenarios runs every table of scenarios on each backend, the
// scenarios of a table in parallel. One PostgreSQL database serves them
// all, a fresh schema per stack. A scenario that prepares nothing and
// either expects to be refused or only reads runs on one stack shared with
// others like it: such a request changes nothing, and building fixtures
// per scenario would take most of the time on PostgreSQL. Any other
// scenario gets fresh fixtures.
func TestScenarios(t *testing.T) {
	tables := []struct {
		name      string
		scenarios []scenario
	}{
		{"Thread", threadScenarios()}, {"Post", postScenarios()}, {"EditDelete", editDeleteScenarios()},
		{"ReactionsAndReports", reactionScenarios()}, {"CountsStateAndMore", moreScenarios()},
		{"BadInput", badInputScenarios()}, {"Actor", actorScenarios()}, {"SSO", ssoScenarios()}, {"Session", sessionScenarios()}, {"Account", accountScenarios()},
		{"SignIn", signInScenarios()},
		{"RateLimit", rateLimitScenarios()},
		{"Pipeline", pipelineScenarios()},
	}
	onBackends(t, func(t *testing.T, open backend) {
		shared := fixtures(t, open)
		for _, table := range tables {
			t.Run(table.name, func(t *testing.T) {
				for _, sc := range table.scenarios {
					t.Run(sc.name, func(t *testing.T) {
						t.Parallel()
						if !sc.sharable() {
							sc.run(t, fixtures(t, open))
							return
						}
						s := *shared
						s.t = t
						sc.run(t, &s)
					})
				}
			})
		}
	})
}

// sharable reports whether the scenario can run on the shared stack.
func (sc scenario) sharable() bool {
	readOnly := sc.method == "GET" || sc.method == "HEAD" || sc.method == "OPTIONS"
	return sc.before == nil && (sc.status >= 400 || (readOnly && sc.check == nil))
}

// run sends the scenario's request to s and checks the answer.
func (sc scenario) run(t *testing.T, s *stack) {
	t.Helper()
	if sc.before != nil {
		sc.before(s)
	}
	var r response
	if sc.form != nil {
		r = s.formPost(s.expand(sc.path), sc.form)
	} else {
		r = s.do(sc.method, s.expand(sc.path), s.expand(sc.body), sc.as, sc.header...)
	}
	if r.status != sc.status {
		t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.path, r.status, sc.status, r.body)
	}
	if r.status >= 500 {
		t.Fatalf("server error: %s", r.body)
	}
	if sc.code != "" {
		checkError(t, r, sc.code)
	}
	for _, w := range sc.want {
		if !strings.Contains(r.body, s.expand(w)) {
			t.Errorf("body lacks %q: %s", w, r.body)
		}
	}
	for _, w := range sc.wantNot {
		if strings.Contains(r.body, s.expand(w)) {
			t.Errorf("body has %q: %s", w, r.body)
		}
	}
	if sc.check != nil {
		sc.check(t, s, r)
	}
}

// checkError asserts the {"error":{"code","message"}} shape.
func checkError(t *testing.T, r response, code string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, r.body)
	}
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error = %+v, want code %q and a message", e.Error, code)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
}

const thread = "/api/v1/sites/news/stories/s1/comments"

func threadScenarios() []scenario {
	return []scenario{
		{name: "page with nested reply", method: "GET", path: thread, status: 200,
			want: []string{`"id":"{c1}"`, `"replies":[{"id":"{r1}","parentId":"{c1}","depth":1`, `"commentCount":2`, `"replyCount":1`, `<em>Betonung</em>`}},
		{name: "unknown site", method: "GET", path: "/api/v1/sites/nope/stories/s1/comments", status: 404, code: "not_found"},
		{name: "story without comments", method: "GET", path: "/api/v1/sites/news/stories/fresh/comments", status: 200,
			want: []string{`"comments":[]`, `"commentCount":0`, `"status":"open"`}},
		{name: "invalid story id", method: "GET", path: "/api/v1/sites/news/stories/%20bad/comments", status: 404, code: "not_found"},
		{name: "bad sort", method: "GET", path: thread + "?sort=best", status: 400, code: "invalid"},
		{name: "non-numeric limit", method: "GET", path: thread + "?limit=ten", status: 400, code: "invalid"},
		{name: "limit too large", method: "GET", path: thread + "?limit=101", status: 400, code: "invalid"},
		{name: "negative limit", method: "GET", path: thread + "?limit=-1", status: 400, code: "invalid"},
		{name: "garbage cursor", method: "GET", path: thread + "?cursor=!!!", status: 400, code: "invalid"},
		{name: "undecodable cursor", method: "GET", path: thread + "?cursor=bm9kb3Q", status: 400, code: "invalid"},
		{name: "each sort", method: "GET", path: thread + "?sort=top", status: 200, want: []string{`"{c1}"`}},
		{name: "oldest", method: "GET", path: thread + "?sort=oldest&limit=1", status: 200, wantNot: []string{"nextCursor"}},
		{name: "pages with a cursor", before: postMany(3), method: "GET", path: thread + "?limit=2", status: 200,
			check: walkPages},
		{name: "gzip", method: "GET", path: thread, header: []string{"Accept-Encoding: gzip"}, status: 200,
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(r.body, "\x1f\x8b") {
					t.Errorf("not gzipped: %v", r.header)
				}
			}},
		{name: "cache headers and 304", method: "GET", path: thread, status: 200, check: revalidate},
		{name: "same bytes for every reader", method: "GET", path: thread, as: "Bob", status: 200, check: sameBytes},
		{name: "new comment shows at once", method: "GET", path: thread, status: 200, check: invalidated},
		{name: "replies", method: "GET", path: "/api/v1/comments/{c1}/replies", status: 200, want: []string{`"id":"{r1}"`}},
		{name: "replies of unknown comment", method: "GET", path: "/api/v1/comments/nope/replies", status: 404, code: "not_found"},
		{name: "replies with bad cursor", method: "GET", path: "/api/v1/comments/{c1}/replies?cursor=x", status: 400, code: "invalid"},
		{name: "deep replies continue", before: deepThread, method: "GET", path: "/api/v1/sites/news/stories/deep/comments", status: 200,
			check: deepCheck},
	}
}

func postMany(n int) func(s *stack) {
	return func(s *stack) {
		for i := range n {
			s.advance(time.Second)
			s.MustPost("m"+string(rune('a'+i)), "Dora", "news", "s1", "", "Noch einer, der "+strconv.Itoa(i+1)+".") // not the same text: that would be a duplicate
		}
	}
}

// walkPages follows nextCursor until the end and expects every top-level
// comment exactly once.
func walkPages(t *testing.T, s *stack, r response) {
	seen := map[string]bool{}
	for page := 0; ; page++ {
		var p struct {
			Comments   []struct{ ID string }
			NextCursor string
		}
		if err := json.Unmarshal([]byte(r.body), &p); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Comments {
			if seen[c.ID] {
				t.Fatalf("comment %s on two pages", c.ID)
			}
			seen[c.ID] = true
		}
		if p.NextCursor == "" {
			break
		}
		if page > 5 {
			t.Fatal("pages never end")
		}
		r = s.do("GET", thread+"?limit=2&cursor="+p.NextCursor, "", "")
	}
	if len(seen) != 4 {
		t.Errorf("saw %d top-level comments, want 4", len(seen))
	}
}

func revalidate(t *testing.T, s *stack, r response) {
	etag := r.header.Get("ETag")
	if etag == "" || !strings.Contains(r.header.Get("Cache-Control"), "public") {
		t.Fatalf("headers %v", r.header)
	}
	again := s.do("GET", thread, "", "", "If-None-Match: "+etag)
	if again.status != http.StatusNotModified || again.body != "" {
		t.Errorf("If-None-Match: %d %q", again.status, again.body)
	}
}

func sameBytes(t *testing.T, s *stack, r response) {
	anon := s.do("GET", thread, "", "")
	if anon.body != r.body || anon.header.Get("ETag") != r.header.Get("ETag") {
		t.Errorf("signed-in and anonymous readers got different threads")
	}
}

func invalidated(t *testing.T, s *stack, r response) {
	s.MustPost("n1", "Eve", "news", "s1", "", "Ganz neu.")
	after := s.do("GET", thread, "", "")
	if !strings.Contains(after.body, s.ids["n1"]) || after.header.Get("ETag") == r.header.Get("ETag") {
		t.Errorf("cached thread did not change after a post: %s", after.body)
	}
}

// deepThread builds a chain of replies five levels deep.
func deepThread(s *stack) {
	s.MustPost("d0", "Alice", "news", "deep", "", "Ebene 0")
	for i, parent := range []string{"d0", "d1", "d2", "d3"} {
		s.MustPost("d"+string(rune('1'+i)), "Bob", "news", "deep", parent, "Ebene "+strconv.Itoa(i+1))
	}
}

// deepCheck expects replies nested to depth 3, and the depth-3 reply to
// say that more follow without carrying them.
func deepCheck(t *testing.T, s *stack, r response) {
	if !strings.Contains(r.body, `"id":"`+s.ids["d3"]+`"`) || strings.Contains(r.body, `"id":"`+s.ids["d4"]+`"`) {
		t.Fatalf("want nesting to depth 3 only: %s", r.body)
	}
	more := s.do("GET", "/api/v1/comments/"+s.ids["d3"]+"/replies", "", "")
	if !strings.Contains(more.body, s.ids["d4"]) {
		t.Errorf("replies of depth 3 lack d4: %s", more.body)
	}
}
