package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parley"
	"parley/internal/pow"
)

// moderateNews changes the news site's moderation settings.
func moderateNews(s *stack, change func(m *parley.Moderation)) {
	s.t.Helper()
	site, err := s.svc.Site(context.Background(), "news")
	if err != nil {
		s.t.Fatal(err)
	}
	change(&site.Moderation)
	if err := s.svc.UpdateSite(context.Background(), site); err != nil {
		s.t.Fatal(err)
	}
}

// publicThread is the news/s1 thread as everyone sees it.
func publicThread(s *stack) string {
	s.t.Helper()
	r := s.do("GET", "/api/v1/sites/news/stories/s1/comments", "", "")
	if r.status != http.StatusOK {
		s.t.Fatalf("thread: %d %s", r.status, r.body)
	}
	return r.body
}

// pipelineScenarios: the moderation pipeline's answers on the JSON API
// and the form: the honeypot, the proof of work, nudges, and comments
// held or rejected, which their author sees and nobody else does.
func pipelineScenarios() []scenario {
	return []scenario{
		{name: "a filled honeypot is refused", method: "POST", path: post,
			body:   `{"body":"Cheap pills","author":{"name":"Bot"},"website":"https://spam.example"}`,
			status: 400, code: "invalid", want: []string{`"key":"honeypot"`}},
		{name: "the form's filled honeypot is refused, with the text kept", method: "POST", path: "/embed/news/stories/s1/comments",
			form: url.Values{"website": {"https://spam.example"}, "body": {"Billige Pillen"}}, status: 400,
			want: []string{"Ihr Kommentar konnte nicht gesendet werden.", "Billige Pillen"}},
		{name: "a suspect word nudges, in German", method: "POST", path: post, as: "Alice",
			body: `{"body":"Der Minister ist ein Idiot.","story":{"lang":"de"}}`, header: []string{"Accept-Language: de"},
			status: 422, code: "unprocessable", want: []string{`"key":"nudge"`, `"reasons":[{"check":"words","key":"suspect","text":"Er enthält „idiot*“`},
			check: func(t *testing.T, s *stack, r response) {
				again := s.do("POST", post, `{"body":"Der Minister ist ein Idiot.","confirm":true}`, "Alice")
				if again.status != http.StatusCreated || !strings.Contains(again.body, `"status":"pending"`) {
					t.Errorf("post anyway = %d %s, want 201 pending", again.status, again.body)
				}
				if strings.Contains(publicThread(s), "Minister") {
					t.Errorf("the public thread shows the pending comment")
				}
				state := s.do("GET", "/api/v1/me/state?site=news&story=s1", "", "Alice")
				if !strings.Contains(state.body, "Minister") || !strings.Contains(state.body, `"status":"pending"`) {
					t.Errorf("the author's own view = %s, want the pending comment", state.body)
				}
			}},
		{name: "a banned word rejects, and only its author sees it", before: func(s *stack) {
			// s1 has no language of its own: the English lists apply
			if _, err := s.svc.AddWords(moderatorOf(s), "news", parley.WordsBanned, "en", []string{"zonk"}); err != nil {
				s.t.Fatal(err)
			}
		}, method: "POST", path: post, as: "Alice", body: `{"body":"So ein Z0NK"}`,
			status: 201, want: []string{`"status":"rejected"`},
			check: func(t *testing.T, s *stack, r response) {
				if strings.Contains(publicThread(s), "Z0NK") {
					t.Errorf("the public thread shows the rejected comment")
				}
				if state := s.do("GET", "/api/v1/me/state?site=news&story=s1", "", "Alice"); !strings.Contains(state.body, `"status":"rejected"`) {
					t.Errorf("the author's own view = %s, want the rejected comment", state.body)
				}
			}},
		{name: "pre-moderation holds every comment", before: func(s *stack) {
			moderateNews(s, func(m *parley.Moderation) { m.Premoderation = parley.PremoderateAll })
		}, method: "POST", path: post, as: "Alice", body: `{"body":"Hallo"}`, status: 201, want: []string{`"status":"pending"`}},
		{name: "a proof of work is asked, and accepted once", before: func(s *stack) {
			moderateNews(s, func(m *parley.Moderation) { m.PowAlways = true })
		}, method: "POST", path: post, body: `{"body":"Hallo","author":{"name":"Gast"}}`, header: []string{"X-Forwarded-For: 203.0.113.4"},
			status: 428, code: "precondition_required", want: []string{`"key":"proofRequired"`, `"challenge":{"challenge":"p1.`},
			check: func(t *testing.T, s *stack, r response) {
				var e struct {
					Error struct{ Challenge pow.Challenge }
				}
				if err := json.Unmarshal([]byte(r.body), &e); err != nil {
					t.Fatal(err)
				}
				solution, err := pow.Solve(context.Background(), e.Error.Challenge.Token)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := json.Marshal(map[string]any{"body": "Hallo", "author": map[string]string{"name": "Gast"},
					"proof": map[string]string{"challenge": e.Error.Challenge.Token, "solution": solution}})
				if got := s.do("POST", post, string(body), "", "X-Forwarded-For: 203.0.113.4"); got.status != http.StatusCreated {
					t.Errorf("post with the proof = %d %s, want 201", got.status, got.body)
				}
				if got := s.do("POST", post, string(body), "", "X-Forwarded-For: 203.0.113.4"); got.status != http.StatusForbidden || !strings.Contains(got.body, "powReplayed") {
					t.Errorf("post with the proof again = %d %s, want 403 powReplayed", got.status, got.body)
				}
				// The form runs no script: it is not asked for one.
				if got := s.formPost("/embed/news/stories/s1/comments", nil); got.status != http.StatusSeeOther {
					t.Errorf("form post = %d %s, want 303", got.status, got.body)
				}
			}},
	}
}

// moderatorOf is a context acting as a moderator of news.
func moderatorOf(s *stack) context.Context {
	return parley.WithActor(context.Background(), &parley.Actor{User: &parley.User{ID: "mod", SiteID: "news", Name: "Mo"}, SiteID: "news", Role: parley.RoleModerator})
}
