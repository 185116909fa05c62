package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley"
)

// The posting limit of these scenarios: 3 at once, then one every 20 s.
var threePerMinute = parley.RateLimit{Posts: 3, Per: time.Minute}

// rateLimitScenarios: the posting limits per reader and per address, and
// the duplicate check, on the JSON API and the form.
func rateLimitScenarios() []scenario {
	return []scenario{
		{name: "a reader's flood is held after the burst, from any address", before: func(s *stack) {
			limitNews(s, threePerMinute)
			for i := range 3 {
				wantPosted(s, postFrom(s, "Alice", "203.0.113."+strconv.Itoa(i+1), "Beitrag "+strconv.Itoa(i)))
			}
		}, method: "POST", path: post, as: "Alice", body: `{"body":"Noch einer"}`, header: []string{"X-Forwarded-For: 203.0.113.9"},
			status: 429, code: "too_many_requests", want: []string{`"key":"postTooFast"`},
			check: func(t *testing.T, s *stack, r response) {
				if got := r.header.Get("Retry-After"); got != "20" {
					t.Errorf("Retry-After = %q, want 20 (a minute over 3 posts)", got)
				}
				wantPosted(s, postFrom(s, "Bob", "203.0.113.10", "Ich darf noch"))
				s.advance(20 * time.Second)
				wantPosted(s, postFrom(s, "Alice", "203.0.113.11", "Jetzt wieder"))
			}},
		{name: "an address's flood of new commenters is held", before: func(s *stack) {
			limitNews(s, threePerMinute)
			for i := range 3 {
				wantPosted(s, postFrom(s, "Neu"+strconv.Itoa(i), "198.51.100.7", "Hallo"))
			}
		}, method: "POST", path: post, body: `{"body":"Hallo","author":{"name":"Neu3"}}`, header: []string{"X-Forwarded-For: 198.51.100.7"},
			status: 429, code: "too_many_requests", want: []string{`"key":"postTooFast"`},
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
				// Another address, and a reader of another address, still post.
				wantPosted(s, postFrom(s, "Neu4", "198.51.100.8", "Hallo"))
				wantPosted(s, postFrom(s, "Bob", "198.51.100.9", "Hallo"))
			}},
		{name: "too fast, in German", before: func(s *stack) {
			limitNews(s, parley.RateLimit{Posts: 1, Per: time.Minute})
			wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Eins"))
		}, method: "POST", path: post, as: "Alice", body: `{"body":"Zwei"}`,
			header: []string{"X-Forwarded-For: 203.0.113.2", "Accept-Language: de"}, status: 429, code: "too_many_requests",
			want: []string{`"key":"postTooFast"`, "Sie schreiben zu schnell."}},
		{name: "staff are not limited", before: func(s *stack) {
			limitNews(s, parley.RateLimit{Posts: 1, Per: time.Hour})
			sessionOf(s, "Redaktion", "news", "email", parley.RoleStaff)
			for i := range 5 {
				wantPosted(s, postFrom(s, "Redaktion", "203.0.113.1", "Antwort "+strconv.Itoa(i)))
			}
		}, method: "POST", path: post, as: "Redaktion", body: `{"body":"Und noch eine"}`, header: []string{"X-Forwarded-For: 203.0.113.1"}, status: 201,
			check: func(t *testing.T, s *stack, r response) {
				// The staff's address was not charged either: a reader there still posts.
				wantPosted(s, postFrom(s, "Gast", "203.0.113.1", "Ich auch"))
			}},
		{name: "off lets everything through", before: func(s *stack) {
			limitNews(s, parley.RateLimit{Off: true})
			for i := range 20 {
				wantPosted(s, postFrom(s, "Last"+strconv.Itoa(i), "192.0.2.1", "Lasttest"))
			}
			wantPosted(s, postFrom(s, "Alice", "192.0.2.1", "Lasttest"))
		}, method: "POST", path: post, as: "Alice", body: `{"body":"Lasttest"}`, header: []string{"X-Forwarded-For: 192.0.2.1"}, status: 201},
		{name: "the same text twice is refused", before: func(s *stack) {
			wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Gleicher Text, zweimal."))
		}, method: "POST", path: post, as: "Alice", body: `{"body":"  gleicher TEXT,\n\nzweimal. "}`, header: []string{"X-Forwarded-For: 203.0.113.1"},
			status: 409, code: "conflict", want: []string{`"key":"duplicateComment"`},
			check: func(t *testing.T, s *stack, r response) {
				wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Ein anderer Text."))
				wantPosted(s, postFrom(s, "Bob", "203.0.113.1", "Gleicher Text, zweimal.")) // another author
				s.advance(9 * time.Minute)
				if r := postFrom(s, "Alice", "203.0.113.1", "Gleicher Text, zweimal."); r.status != http.StatusConflict {
					t.Errorf("the same text 9 minutes later = %d %s, want 409", r.status, r.body)
				}
				s.advance(time.Minute + time.Millisecond)
				wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Gleicher Text, zweimal."))
			}},
		{name: "a text taken back may be posted again", before: func(s *stack) {
			wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Doch nicht."))
			id := lastComment(s, "Alice")
			if r := s.do("DELETE", "/api/v1/comments/"+id, "", "Alice"); r.status >= 300 {
				s.t.Fatalf("delete: %d %s", r.status, r.body)
			}
		}, method: "POST", path: post, as: "Alice", body: `{"body":"Doch nicht."}`, status: 201},
		{name: "the same text twice, in French", before: func(s *stack) {
			wantPosted(s, postFrom(s, "Alice", "203.0.113.1", "Bonjour"))
		}, method: "POST", path: post, as: "Alice", body: `{"body":"bonjour"}`, header: []string{"Accept-Language: fr"},
			status: 409, code: "conflict", want: []string{`"key":"duplicateComment"`, "Vous venez déjà de publier ce commentaire."}},
		{name: "the form too fast: translated page with Retry-After", before: func(s *stack) {
			limitNews(s, parley.RateLimit{Posts: 1, Per: time.Minute})
			if r := s.formPost("/embed/news/stories/s1/comments", nil); r.status != http.StatusSeeOther {
				s.t.Fatalf("first form post: %d %s", r.status, r.body)
			}
		}, method: "POST", path: "/embed/news/stories/s1/comments", form: url.Values{"body": {"Noch einmal aus dem Formular."}},
			status: 429, want: []string{"Sie schreiben zu schnell.", "Noch einmal aus dem Formular."},
			check: func(t *testing.T, s *stack, r response) {
				if got := r.header.Get("Retry-After"); got != "60" {
					t.Errorf("Retry-After = %q, want 60", got)
				}
			}},
	}
}

// limitNews sets the news site's posting limit.
func limitNews(s *stack, l parley.RateLimit) {
	s.t.Helper()
	site, err := s.svc.Site(context.Background(), "news")
	if err != nil {
		s.t.Fatal(err)
	}
	site.RateLimit = l
	if err := s.svc.UpdateSite(context.Background(), site); err != nil {
		s.t.Fatal(err)
	}
}

// postFrom posts body on news/s1 as the commenter as (by their token once
// they have one, else as a new one under that name) from client address
// addr, and keeps the token a first post gives.
func postFrom(s *stack, as, addr, body string) response {
	s.t.Helper()
	req := map[string]any{"body": body}
	if s.tokens[as] == "" {
		req["author"] = map[string]string{"name": as}
	}
	raw, _ := json.Marshal(req)
	r := s.do("POST", post, string(raw), as, "X-Forwarded-For: "+addr)
	var out struct {
		Comment struct{ ID string }
		Token   string `json:"commenterToken"`
	}
	if json.Unmarshal([]byte(r.body), &out) == nil {
		if out.Token != "" {
			s.tokens[as] = out.Token
		}
		if out.Comment.ID != "" {
			s.ids[as+"#last"] = out.Comment.ID
		}
	}
	return r
}

// lastComment is the ID of the comment as posted last by postFrom.
func lastComment(s *stack, as string) string { return s.ids[as+"#last"] }

func wantPosted(s *stack, r response) {
	s.t.Helper()
	if r.status != http.StatusCreated {
		s.t.Fatalf("post: %d %s, want 201", r.status, strings.TrimSpace(r.body))
	}
}
