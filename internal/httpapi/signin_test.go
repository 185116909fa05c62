package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// honourRoles lets the members site's SSO tokens give roles.
func honourRoles(s *stack) {
	s.t.Helper()
	site, err := s.svc.Site(context.Background(), "members")
	if err != nil {
		s.t.Fatal(err)
	}
	cp := *site
	cp.SSO.Roles = true
	if err := s.svc.UpdateSite(context.Background(), &cp); err != nil {
		s.t.Fatal(err)
	}
}

// staffPost signs Mara in as a moderator with her badge and posts m1.
func staffPost(s *stack) {
	honourRoles(s)
	signIn(s, "Mara", map[string]any{"role": "moderator"})
	s.MustPost("m1", "Mara", "members", "s1", "", "Aus der Moderation.")
}

func signInScenarios() []scenario {
	auth := "/api/v1/sites/news/auth"
	return []scenario{
		{name: "methods of an anonymous site", method: "GET", path: auth, status: 200,
			want: []string{`{"anonymous":true,"sso":false,"email":true,"oidc":null,"passkey":true}`},
			check: func(t *testing.T, s *stack, r response) {
				if cc := r.header.Get("Cache-Control"); cc != "public, max-age=60" {
					t.Errorf("Cache-Control = %q, want public, max-age=60", cc)
				}
			}},
		{name: "methods of an SSO site", method: "GET", path: "/api/v1/sites/members/auth", status: 200,
			want: []string{`{"anonymous":false,"sso":true,"email":true,"oidc":null,"passkey":false}`}},
		{name: "methods from an allowed origin", method: "GET", path: auth, header: []string{"Origin: https://news.example"}, status: 200,
			check: func(t *testing.T, s *stack, r response) {
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://news.example" {
					t.Errorf("Access-Control-Allow-Origin = %q", got)
				}
			}},
		{name: "methods of an unknown site", method: "GET", path: "/api/v1/sites/nowhere/auth", status: 404, code: "not_found"},
		{name: "methods of a bad site ID", method: "GET", path: "/api/v1/sites/%ff/auth", status: 400, code: "invalid"},
		{name: "a staff author's role and badges in the thread", before: staffPost, method: "GET", path: "/api/v1/sites/members/stories/s1/comments", status: 200,
			want: []string{`"author":{"id":"{Mara}","name":"Mara","role":"moderator","badges":["subscriber"]}`}},
		{name: "a commenter's thread shows no role", method: "GET", path: "/api/v1/sites/news/stories/s1/comments", status: 200,
			wantNot: []string{`"role"`, `"badges"`}},
		{name: "a new comment carries its author's standing", before: func(s *stack) { honourRoles(s); signIn(s, "Mara", map[string]any{"role": "staff"}) },
			method: "POST", path: "/api/v1/sites/members/stories/s1/comments", as: "Mara", body: `{"body":"Von der Redaktion."}`, status: 201,
			want: []string{`"name":"Mara","role":"staff","badges":["subscriber"]`}},
		{name: "a role taken away shows once the page is made again", before: staffPost, method: "GET", path: "/api/v1/sites/members/stories/s1/comments", status: 200,
			check: func(t *testing.T, s *stack, r response) {
				signIn(s, "Mara", map[string]any{"role": "commenter", "badges": []string{}})
				s.MustPost("m2", "Mara", "members", "s1", "", "Nun als Leserin.") // changes the story: the page is made again
				got := s.do(http.MethodGet, "/api/v1/sites/members/stories/s1/comments", "", "")
				if strings.Contains(got.body, `"role"`) || strings.Contains(got.body, `"badges"`) {
					t.Errorf("the thread still shows the old standing: %s", got.body)
				}
			}},
	}
}
