package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const post = "/api/v1/sites/news/stories/s1/comments"

func postScenarios() []scenario {
	long := strings.Repeat("ä", 10001)
	return []scenario{
		{name: "anonymous with a name", method: "POST", path: post, body: `{"body":"Hallo **Welt**","author":{"name":"Frank"}}`, status: 201,
			want: []string{`"commenterToken":"pct_`, `"name":"Frank"`, `<strong>Welt</strong>`, `"status":"approved"`, `"body":"Hallo **Welt**"`, `"editableUntil"`}},
		{name: "with a token, no name", method: "POST", path: post, as: "Alice", body: `{"body":"Wieder da"}`, status: 201,
			want: []string{`"name":"Alice"`}, wantNot: []string{"commenterToken"}},
		{name: "reply", method: "POST", path: post, body: `{"body":"Re","parentId":"{r1}","author":{"name":"Gus"}}`, status: 201,
			want: []string{`"parentId":"{r1}"`, `"depth":2`}},
		{name: "first post creates the story", method: "POST", path: "/api/v1/sites/news/stories/new-story/comments",
			body: `{"body":"Erster!","author":{"name":"Hanna"},"story":{"url":"https://news.example/a","title":"Titel","lang":"de"}}`, status: 201,
			check: func(t *testing.T, s *stack, r response) {
				got := s.do("GET", "/api/v1/sites/news/stories/new-story/comments", "", "")
				if !strings.Contains(got.body, `"title":"Titel","lang":"de","status":"open","commentCount":1`) {
					t.Errorf("story not registered: %s", got.body)
				}
			}},
		{name: "malformed JSON", method: "POST", path: post, body: `{"body":`, status: 400, code: "invalid"},
		{name: "not an object", method: "POST", path: post, body: `"just a string"`, status: 400, code: "invalid"},
		{name: "wrong type", method: "POST", path: post, body: `{"body":5,"author":{"name":"Ida"}}`, status: 400, code: "invalid", want: []string{"body"}},
		{name: "wrong nested type", method: "POST", path: post, body: `{"body":"x","author":"Ida"}`, status: 400, code: "invalid"},
		{name: "unknown field", method: "POST", path: post, body: `{"text":"x","author":{"name":"Ida"}}`, status: 400, code: "invalid", want: []string{"text"}},
		{name: "two values", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}} {}`, status: 400, code: "invalid"},
		{name: "empty request body", method: "POST", path: post, header: []string{"Content-Type: application/json"}, status: 400, code: "invalid"},
		{name: "form content type", method: "POST", path: post, body: `{"body":"x"}`, header: []string{"Content-Type: application/x-www-form-urlencoded"}, status: 400, code: "invalid"},
		{name: "empty body", method: "POST", path: post, body: `{"body":"","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "whitespace body", method: "POST", path: post, body: `{"body":" \n\t \u3000 ","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "body over the limit", method: "POST", path: post, body: `{"body":"` + long + `","author":{"name":"Ida"}}`, status: 400, code: "invalid", want: []string{"10000"}},
		{name: "body at the limit", method: "POST", path: post, body: `{"body":"` + long[2:] + `","author":{"name":"Ida"}}`, status: 201},
		{name: "request over 64 KiB", method: "POST", path: post, body: `{"body":"` + strings.Repeat("a", 70000) + `"}`, status: 413, code: "too_large"},
		{name: "invalid UTF-8", method: "POST", path: post, body: "{\"body\":\"caf\xe9\",\"author\":{\"name\":\"Ida\"}}", status: 400, code: "invalid", want: []string{"UTF-8"}},
		{name: "control character", method: "POST", path: post, body: `{"body":"bell\u0007","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "NUL", method: "POST", path: post, body: `{"body":"a\u0000b","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "bidi override", method: "POST", path: post, body: `{"body":"abc\u202edef","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "NFC", method: "POST", path: post, body: `{"body":"Cafe\u0301","author":{"name":"Ida"}}`, status: 201, want: []string{`"body":"Café"`}},
		{name: "CRLF", method: "POST", path: post, body: `{"body":"a\r\nb","author":{"name":"Ida"}}`, status: 201, want: []string{`"body":"a\nb"`}},
		{name: "no name", method: "POST", path: post, body: `{"body":"x"}`, status: 400, code: "invalid"},
		{name: "blank name", method: "POST", path: post, body: `{"body":"x","author":{"name":"  "}}`, status: 400, code: "invalid"},
		{name: "name too long", method: "POST", path: post, body: `{"body":"x","author":{"name":"` + strings.Repeat("n", 51) + `"}}`, status: 400, code: "invalid"},
		{name: "name with newline", method: "POST", path: post, body: `{"body":"x","author":{"name":"a\nb"}}`, status: 400, code: "invalid"},
		{name: "name is text, not HTML", method: "POST", path: post, body: `{"body":"x","author":{"name":"<b>Ida</b>"}}`, status: 201,
			want: []string{`"name":"<b>Ida</b>"`}},
		{name: "parent from another story", method: "POST", path: post, body: `{"body":"x","parentId":"{c2}","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "unknown parent", method: "POST", path: post, body: `{"body":"x","parentId":"nope","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "closed story", method: "POST", path: "/api/v1/sites/news/stories/shut/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 403, code: "forbidden"},
		{name: "closed story in German", method: "POST", path: "/api/v1/sites/news/stories/shut/comments", body: `{"body":"x","author":{"name":"Ida"}}`,
			header: []string{"Accept-Language: de-DE,de;q=0.9,en;q=0.5"}, status: 403, code: "forbidden",
			want: []string{`"message":"Diese Diskussion ist geschlossen."`, `"key":"closed"`}},
		{name: "too long in French", method: "POST", path: post + "?lang=fr", body: `{"body":"` + long + `","author":{"name":"Ida"}}`, status: 400, code: "invalid",
			want: []string{`"message":"Votre commentaire est trop long. Merci de le raccourcir."`, `"key":"tooLong"`}},
		{name: "unknown site", method: "POST", path: "/api/v1/sites/nope/stories/s1/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 404, code: "not_found"},
		{name: "invalid story id", method: "POST", path: "/api/v1/sites/news/stories/" + strings.Repeat("s", 200) + "/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
		{name: "invalid story URL", method: "POST", path: "/api/v1/sites/news/stories/s9/comments", body: `{"body":"x","author":{"name":"Ida"},"story":{"url":"javascript:alert(1)"}}`, status: 400, code: "invalid"},
		{name: "site without anonymous posting", method: "POST", path: "/api/v1/sites/members/stories/s1/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 401, code: "unauthorized"},
		{name: "refused post leaves no story", method: "POST", path: "/api/v1/sites/members/stories/fresh/comments",
			body: `{"body":"x","author":{"name":"Ida"},"story":{"title":"Owned","url":"https://evil.example/"}}`, status: 401, code: "unauthorized",
			check: func(t *testing.T, s *stack, r response) {
				if got := s.do("GET", "/api/v1/sites/members/stories/fresh/comments", "", ""); strings.Contains(got.body, "Owned") {
					t.Errorf("a refused post registered the story: %s", got.body)
				}
			}},
		{name: "token of another site", method: "POST", path: "/api/v1/sites/members/stories/s1/comments", as: "Alice", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "unknown token", method: "POST", path: post, body: `{"body":"x"}`, header: []string{"Authorization: Bearer pct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, status: 401, code: "unauthorized"},
		{name: "malformed token", method: "POST", path: post, body: `{"body":"x"}`, header: []string{"Authorization: Bearer nonsense"}, status: 401, code: "unauthorized"},
		{name: "not a bearer", method: "POST", path: post, body: `{"body":"x"}`, header: []string{"Authorization: Basic YTpi"}, status: 401, code: "unauthorized"},
		{name: "allowed origin", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}}`, header: []string{"Origin: https://news.example"}, status: 201,
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Access-Control-Allow-Origin") != "https://news.example" {
					t.Errorf("CORS headers: %v", r.header)
				}
			}},
		// the refusal is readable (CORS headers for that origin), so that
		// the widget can say why instead of "no connection"
		{name: "foreign origin", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}}`, header: []string{"Origin: https://evil.example"}, status: 403, code: "forbidden",
			want: []string{`"key":"originNotAllowed"`, "parley site update --id SITE --add-origin https://evil.example"},
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Access-Control-Allow-Origin") != "https://evil.example" {
					t.Errorf("the refusal is not readable by the page: %v", r.header)
				}
				if th := s.do("GET", "/api/v1/sites/news/stories/s1/comments", "", ""); strings.Contains(th.body, `"Ida"`) {
					t.Errorf("a refused origin posted: %s", th.body)
				}
			}},
		{name: "origin of a forged Host is foreign", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}}`,
			header: []string{"Host: evil.example", "Origin: http://evil.example"}, status: 403, code: "forbidden",
			want: []string{`"key":"originNotAllowed"`}},
		{name: "Parley's own origin is first party", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}}`,
			header: []string{"Origin: " + publicOrigin}, status: 201},
		{name: "foreign origin reads nothing", method: "GET", path: "/api/v1/sites/news/stories/s1/comments", header: []string{"Origin: https://evil.example"}, status: 403, code: "forbidden",
			want: []string{`"key":"originNotAllowed"`}, wantNot: []string{`"comments"`}},
		{name: "foreign origin in German", method: "GET", path: "/api/v1/sites/news/stories/s1/comments?lang=de", header: []string{"Origin: null"}, status: 403, code: "forbidden",
			want: []string{`"key":"originNotAllowed"`, "Diese Seite darf die Diskussion nicht einbinden"}},
		{name: "script is sanitized", method: "POST", path: post, body: `{"body":"<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>","author":{"name":"Ida"}}`, status: 201,
			check: func(t *testing.T, s *stack, r response) {
				var out struct{ Comment struct{ HTML string } }
				if err := json.Unmarshal([]byte(r.body), &out); err != nil {
					t.Fatal(err)
				}
				for _, bad := range []string{"<script", "<img", "href=\"javascript"} {
					if strings.Contains(out.Comment.HTML, bad) {
						t.Errorf("html has %q: %s", bad, out.Comment.HTML)
					}
				}
			}},
	}
}

func editDeleteScenarios() []scenario {
	c1 := "/api/v1/comments/{c1}"
	return []scenario{
		{name: "author edits", method: "PATCH", path: c1, as: "Alice", body: `{"body":"Neu *formuliert*"}`, status: 200,
			want: []string{`"editedAt"`, `<em>formuliert</em>`, `"body":"Neu *formuliert*"`}},
		{name: "edit without token", method: "PATCH", path: c1, body: `{"body":"x"}`, status: 401, code: "unauthorized"},
		{name: "edit by another", method: "PATCH", path: c1, as: "Bob", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "edit unknown", method: "PATCH", path: "/api/v1/comments/nope", as: "Alice", body: `{"body":"x"}`, status: 404, code: "not_found"},
		{name: "edit after the window", before: func(s *stack) { s.advance(11 * time.Minute) }, method: "PATCH", path: c1, as: "Alice", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "edit within the window", before: func(s *stack) { s.advance(9 * time.Minute) }, method: "PATCH", path: c1, as: "Alice", body: `{"body":"x"}`, status: 200},
		{name: "edit to empty", method: "PATCH", path: c1, as: "Alice", body: `{"body":"   "}`, status: 400, code: "invalid"},
		{name: "edit malformed", method: "PATCH", path: c1, as: "Alice", body: `{"body":[]}`, status: 400, code: "invalid"},
		{name: "edit on a closed story", method: "PATCH", path: "/api/v1/comments/{x1}", as: "Alice", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "delete without token", method: "DELETE", path: c1, status: 401, code: "unauthorized"},
		{name: "delete by another", method: "DELETE", path: c1, as: "Bob", status: 403, code: "forbidden"},
		{name: "delete unknown", method: "DELETE", path: "/api/v1/comments/nope", as: "Alice", status: 404, code: "not_found"},
		{name: "delete keeps a placeholder", method: "DELETE", path: c1, as: "Alice", status: 204,
			check: func(t *testing.T, s *stack, r response) {
				got := s.do("GET", thread, "", "")
				if !strings.Contains(got.body, `"id":"`+s.ids["c1"]+`","depth":0,"html":"","status":"deleted"`) ||
					!strings.Contains(got.body, s.ids["r1"]) || strings.Contains(got.body, "Betonung") || !strings.Contains(got.body, `"commentCount":1`) {
					t.Errorf("after delete: %s", got.body)
				}
				if again := s.do("DELETE", "/api/v1/comments/"+s.ids["c1"], "", "Alice"); again.status != 404 {
					t.Errorf("second delete: %d", again.status)
				}
			}},
		{name: "delete a leaf", method: "DELETE", path: "/api/v1/comments/{r1}", as: "Bob", status: 204,
			check: func(t *testing.T, s *stack, r response) {
				got := s.do("GET", thread, "", "")
				if strings.Contains(got.body, s.ids["r1"]) || !strings.Contains(got.body, `"replyCount":0`) || !strings.Contains(got.body, `"commentCount":1`) {
					t.Errorf("after deleting a leaf: %s", got.body)
				}
			}},
	}
}

func reactionScenarios() []scenario {
	react := "/api/v1/comments/{c1}/reaction"
	report := "/api/v1/comments/{c1}/reports"
	return []scenario{
		{name: "react", method: "PUT", path: react, as: "Bob", status: 200, want: []string{`"reactions":1,"reacted":true`}},
		{name: "react twice counts once", before: func(s *stack) { s.do("PUT", s.expand(react), "", "Bob") }, method: "PUT", path: react, as: "Bob", status: 200,
			want: []string{`"reactions":1`}},
		{name: "unreact", before: func(s *stack) { s.do("PUT", s.expand(react), "", "Bob") }, method: "DELETE", path: react, as: "Bob", status: 200,
			want: []string{`"reactions":0,"reacted":false`}},
		{name: "unreact without reaction", method: "DELETE", path: react, as: "Bob", status: 200, want: []string{`"reactions":0`}},
		{name: "unreact without token", method: "DELETE", path: react, status: 401, code: "unauthorized"},
		{name: "no reaction without an identity", method: "PUT", path: react, status: 401, code: "unauthorized",
			want: []string{`"key":"identityRequired"`}, wantNot: []string{"commenterToken"}, check: noStuffing(react, "")},
		{name: "no report without an identity", method: "POST", path: report, body: `{"reason":"spam"}`, status: 401, code: "unauthorized",
			want: []string{`"key":"identityRequired"`}, wantNot: []string{"commenterToken"}, check: noStuffing(report, `{"reason":"spam"}`)},
		{name: "identity required, in German", method: "PUT", path: react, header: []string{"Accept-Language: de"}, status: 401, code: "unauthorized",
			want: []string{`"message":"Reagieren und melden können Sie, sobald Sie hier einen Kommentar geschrieben haben."`}},
		{name: "own comment", method: "PUT", path: react, as: "Alice", status: 403, code: "forbidden"},
		{name: "unknown comment", method: "PUT", path: "/api/v1/comments/nope/reaction", as: "Bob", status: 404, code: "not_found"},
		{name: "reaction shows in the thread", before: func(s *stack) { s.do("PUT", s.expand(react), "", "Bob") }, method: "GET", path: thread + "?sort=top", status: 200,
			want: []string{`"id":"{c1}","depth":0,"author":{"id":`, `"reactions":1`}},
		{name: "report", method: "POST", path: report, as: "Bob", body: `{"reason":"spam","note":"Werbung"}`, status: 201, want: []string{`"reason":"spam"`}},
		{name: "report twice", before: func(s *stack) { s.do("POST", s.expand(report), `{"reason":"spam"}`, "Bob") }, method: "POST", path: report, as: "Bob", body: `{"reason":"abuse"}`, status: 409, code: "conflict"},
		{name: "report bad reason", method: "POST", path: report, as: "Bob", body: `{"reason":"boring"}`, status: 400, code: "invalid"},
		{name: "report note too long", method: "POST", path: report, as: "Bob", body: `{"reason":"other","note":"` + strings.Repeat("n", 1001) + `"}`, status: 400, code: "invalid"},
		{name: "report malformed", method: "POST", path: report, as: "Bob", body: `{"reason":1}`, status: 400, code: "invalid"},
		{name: "report unknown comment", method: "POST", path: "/api/v1/comments/nope/reports", as: "Bob", body: `{"reason":"spam"}`, status: 404, code: "not_found"},
		{name: "report own comment", method: "POST", path: report, as: "Alice", body: `{"reason":"spam"}`, status: 403, code: "forbidden"},
	}
}

// noStuffing repeats a token-less call and expects that it never counted
// and never created a commenter: the thread shows no reaction and a later
// token-less post is still asked for a name.
func noStuffing(path, body string) func(t *testing.T, s *stack, r response) {
	return func(t *testing.T, s *stack, r response) {
		method := map[bool]string{true: "PUT", false: "POST"}[body == ""]
		for range 20 {
			if again := s.do(method, s.expand(path), body, ""); again.status != 401 {
				t.Fatalf("token-less %s: %d %s", method, again.status, again.body)
			}
		}
		if got := s.do("GET", thread+"?sort=top", "", ""); !strings.Contains(got.body, `"reactions":0`) || strings.Contains(got.body, `"reactions":1`) {
			t.Errorf("token-less calls changed the thread: %s", got.body)
		}
		c, err := s.store.Comment(context.Background(), s.ids["c1"])
		if err != nil || c.ReportCount != 0 || c.ReactionCount != 0 {
			t.Errorf("token-less calls counted: %+v, %v", c, err)
		}
	}
}

func moreScenarios() []scenario {
	many := "/api/v1/sites/news/counts?" + strings.Repeat("story=a&", 101)
	return []scenario{
		{name: "counts", method: "GET", path: "/api/v1/sites/news/counts?story=s1&story=s2&story=none", status: 200,
			want: []string{`"s1":2`, `"s2":1`, `"none":0`}},
		{name: "counts without stories", method: "GET", path: "/api/v1/sites/news/counts", status: 400, code: "invalid"},
		{name: "counts of too many", method: "GET", path: many, status: 400, code: "invalid"},
		{name: "counts with a bad id", method: "GET", path: "/api/v1/sites/news/counts?story=%3Cx%3E", status: 400, code: "invalid"},
		{name: "counts of unknown site", method: "GET", path: "/api/v1/sites/nope/counts?story=a", status: 404, code: "not_found"},
		{name: "my state", before: func(s *stack) { s.do("PUT", s.expand("/api/v1/comments/{r1}/reaction"), "", "Alice") },
			method: "GET", path: "/api/v1/me/state?site=news&story=s1", as: "Alice", status: 200,
			want: []string{`"user":{"id":`, `"name":"Alice"`, `"reactions":["{r1}"]`, `"body":"Erster Kommentar mit *Betonung*."`, `"editableUntil"`},
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("personal state is cacheable: %v", r.header)
				}
			}},
		{name: "anonymous state", method: "GET", path: "/api/v1/me/state?site=news&story=s1", status: 200, want: []string{`"user":null,"reactions":[],"comments":[]`}},
		{name: "state without story", method: "GET", path: "/api/v1/me/state?site=news", status: 400, code: "invalid"},
		{name: "state of unknown site", method: "GET", path: "/api/v1/me/state?site=nope&story=s1", status: 404, code: "not_found"},
		{name: "health", method: "GET", path: "/healthz", status: 200},
		{name: "ready", method: "GET", path: "/readyz", status: 200},
		{name: "openapi", method: "GET", path: "/api/openapi.json", status: 200, want: []string{`"openapi"`}},
		{name: "unknown endpoint", method: "GET", path: "/api/v1/nothing", status: 404, code: "not_found"},
		{name: "preflight from an allowed origin", method: "OPTIONS", path: post,
			header: []string{"Origin: https://news.example", "Access-Control-Request-Method: POST"}, status: 204,
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Access-Control-Allow-Origin") != "https://news.example" || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
					t.Errorf("preflight headers: %v", r.header)
				}
			}},
		// the preflight lets the request through to its readable 403
		{name: "preflight from a foreign origin", method: "OPTIONS", path: post,
			header: []string{"Origin: https://evil.example", "Access-Control-Request-Method: POST"}, status: 204,
			check: func(t *testing.T, s *stack, r response) {
				if r.header.Get("Access-Control-Allow-Origin") != "https://evil.example" {
					t.Errorf("foreign preflight blocks the readable refusal: %v", r.header)
				}
			}},
	}
}
