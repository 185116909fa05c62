package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley"
)

const (
	myNotifications = "/api/v1/sites/members/me/notifications"
	myComments      = "/api/v1/sites/members/me/comments"
	myData          = "/api/v1/sites/members/me/data"
	myAccount       = "/api/v1/sites/members/me"
)

// signedOut signs Mara in and out again: her token is a session that no
// longer exists.
func signedOut(s *stack) {
	signIn(s, "Mara", nil)
	if r := s.do("POST", signOut, "", "Mara"); r.status != 204 {
		s.t.Fatalf("sign out: %d", r.status)
	}
}

// maraWrote signs Mara and Otto in on members; Mara writes m1 on s1 (Otto
// replies o1), m2 on s2 and m3 on s3, reacts to and reports Otto's o2.
func maraWrote(s *stack) {
	signIn(s, "Mara", nil)
	signIn(s, "Otto", map[string]any{"sub": "otto", "name": "Otto", "email": "otto@example.org"})
	for _, p := range [][]string{{"m1", "Mara", "s1", "", "Auf s1."}, {"o1", "Otto", "s1", "m1", "Antwort von Otto."},
		{"m2", "Mara", "s2", "", "Auf s2."}, {"m3", "Mara", "s3", "", "Auf s3."}, {"o2", "Otto", "s1", "", "Ottos eigener."}} {
		s.MustPost(p[0], p[1], "members", p[2], p[3], p[4])
		s.advance(time.Millisecond) // IDs, and so the newest first, follow the clock
	}
	if r := s.do("PUT", "/api/v1/comments/"+s.ids["o2"]+"/reaction", "", "Mara"); r.status != 200 {
		s.t.Fatalf("react: %d %s", r.status, r.body)
	}
	if r := s.do("POST", "/api/v1/comments/"+s.ids["o2"]+"/reports", `{"reason":"spam"}`, "Mara"); r.status != 201 {
		s.t.Fatalf("report: %d %s", r.status, r.body)
	}
}

// anonymizing makes members keep the texts of erased accounts.
func anonymizing(s *stack) {
	site, err := s.svc.Site(s.t.Context(), "members")
	if err != nil {
		s.t.Fatal(err)
	}
	site.Privacy.ErasePolicy = parley.EraseAnonymize
	if err := s.svc.UpdateSite(s.t.Context(), site); err != nil {
		s.t.Fatal(err)
	}
}

func accountScenarios() []scenario {
	key := func(k string) []string { return []string{`"key":"` + k + `"`} }
	var out []scenario
	// every route refuses the anonymous, a revoked session and another
	// site's session alike
	for _, rt := range []struct{ method, path, body string }{
		{"GET", myNotifications, ""}, {"PUT", myNotifications, `{"replies":false}`},
		{"GET", myComments, ""}, {"GET", myData, ""}, {"DELETE", myAccount, `{"confirm":"delete"}`},
	} {
		out = append(out,
			scenario{name: rt.method + " " + rt.path + " without credentials", method: rt.method, path: rt.path, body: rt.body, status: 401, code: "unauthorized", want: key("signInRequired")},
			scenario{name: rt.method + " " + rt.path + " with a revoked session", before: signedOut, method: rt.method, path: rt.path, body: rt.body, as: "Mara", status: 401, code: "unauthorized", want: key("sessionInvalid")},
			scenario{name: rt.method + " " + rt.path + " with another site's session", before: signedIn("Mara"), method: rt.method,
				path: strings.Replace(rt.path, "/members/", "/news/", 1), body: rt.body, as: "Mara", status: 403, code: "forbidden"},
		)
	}
	return append(out, []scenario{
		{name: "my notifications", before: signedIn("Mara"), method: "GET", path: myNotifications, as: "Mara", status: 200,
			want: []string{`{"replies":false,"decisions":false,"email":true}`}},
		{name: "opt in", before: signedIn("Mara"), method: "PUT", path: myNotifications, as: "Mara", body: `{"replies":true,"lang":"de"}`, status: 200,
			want: []string{`{"replies":true,"decisions":false,"email":true}`},
			check: func(t *testing.T, s *stack, r response) {
				if got := s.do("GET", myNotifications, "", "Mara"); !strings.Contains(got.body, `"replies":true`) {
					t.Errorf("GET after opting in = %s", got.body)
				}
			}},
		{name: "opt in to decisions keeps replies", before: func(s *stack) { signedIn("Mara")(s); s.do("PUT", myNotifications, `{"replies":true}`, "Mara") },
			method: "PUT", path: myNotifications, as: "Mara", body: `{"decisions":true}`, status: 200,
			want: []string{`{"replies":true,"decisions":true,"email":true}`}},
		{name: "opt in to decisions without an e-mail address", method: "PUT", path: "/api/v1/sites/news/me/notifications", as: "Alice", body: `{"decisions":true}`, status: 409, code: "conflict", want: key("noEmail")},
		{name: "opt in without an e-mail address", method: "PUT", path: "/api/v1/sites/news/me/notifications", as: "Alice", body: `{"replies":true}`, status: 409, code: "conflict", want: key("noEmail")},
		{name: "opt out without an e-mail address", method: "PUT", path: "/api/v1/sites/news/me/notifications", as: "Alice", body: `{"replies":false}`, status: 200, want: []string{`"email":false`}},
		{name: "opt in in a language that is no tag", before: signedIn("Mara"), method: "PUT", path: myNotifications, as: "Mara", body: `{"replies":true,"lang":"d e"}`, status: 400, code: "invalid", want: key("badLang")},
		{name: "notifications with a bad body", before: signedIn("Mara"), method: "PUT", path: myNotifications, as: "Mara", body: `{"replies":"yes"}`, status: 400, code: "invalid"},
		{name: "my comments across stories, page by page", before: maraWrote, method: "GET", path: myComments + "?limit=2", as: "Mara", status: 200,
			want: []string{`"id":"{m3}","storyId":"s3"`, `"id":"{m2}","storyId":"s2"`, `"status":"approved"`, `"nextCursor":"{m2}"`}, wantNot: []string{"{m1}", "{o1}"},
			check: func(t *testing.T, s *stack, r response) {
				next := s.do("GET", myComments+"?limit=2&cursor="+s.ids["m2"], "", "Mara")
				var page struct {
					Comments []struct {
						ID, StoryID, StoryTitle, StoryURL, HTML string
					}
					NextCursor *string
				}
				if err := json.Unmarshal([]byte(next.body), &page); err != nil || next.status != 200 {
					t.Fatalf("page 2: %d %s", next.status, next.body)
				}
				if len(page.Comments) != 1 || page.Comments[0].ID != s.ids["m1"] || page.NextCursor != nil || page.Comments[0].HTML != "<p>Auf s1.</p>" {
					t.Errorf("page 2 = %s, want m1 alone and no cursor", next.body)
				}
			}},
		{name: "my comments leave out deleted ones", before: func(s *stack) {
			maraWrote(s)
			if r := s.do("DELETE", "/api/v1/comments/"+s.ids["m3"], "", "Mara"); r.status != 204 {
				s.t.Fatalf("delete: %d", r.status)
			}
		}, method: "GET", path: myComments, as: "Mara", status: 200, want: []string{"{m2}", "{m1}"}, wantNot: []string{"{m3}", "nextCursor"}},
		{name: "my comments with a bad cursor", before: signedIn("Mara"), method: "GET", path: myComments + "?cursor=x%00", as: "Mara", status: 400, code: "invalid", want: key("badCursor")},
		{name: "my data", before: maraWrote, method: "GET", path: myData, as: "Mara", status: 200,
			want: []string{`"site":"members"`, `"email":"mara@example.org"`, `"badges":["subscriber"]`, `"subject":"sso:mara"`, `"method":"sso"`,
				`"id":"{m1}"`, `"body":"Auf s1."`, `"reactions":[{"commentId":"{o2}"`, `"reports":[{"commentId":"{o2}","reason":"spam"`, `"notifications":{"replies":false,"decisions":false}`, `"passkeys":[]`, `"inbox":[]`},
			wantNot: []string{"Antwort von Otto", "otto@example.org", "pss_", "hash"},
			check: func(t *testing.T, s *stack, r response) {
				if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="parley-members-2026-11-26.json"` {
					t.Errorf("Content-Disposition = %q", cd)
				}
				if h := parley.HashSessionToken(s.tokens["Mara"]); strings.Contains(r.body, h) {
					t.Error("the export holds the session's hash")
				}
			}},
		{name: "erase without confirmation", before: signedIn("Mara"), method: "DELETE", path: myAccount, as: "Mara", status: 400, code: "invalid", want: key("confirmRequired")},
		{name: "erase with the wrong confirmation", before: signedIn("Mara"), method: "DELETE", path: myAccount, body: `{"confirm":"yes"}`, as: "Mara", status: 400, code: "invalid", want: key("confirmRequired")},
		{name: "erase deletes", before: maraWrote, method: "DELETE", path: myAccount, body: `{"confirm":"delete"}`, as: "Mara", status: 204,
			check: func(t *testing.T, s *stack, r response) {
				if got := s.do("GET", me, "", "Mara"); got.status != 401 {
					t.Errorf("me after erasure = %d, want 401", got.status)
				}
				th := s.do("GET", "/api/v1/sites/members/stories/s1/comments", "", "")
				for _, want := range []string{`"id":"{m1}"`, `"status":"deleted"`, `"name":"Otto"`, `"reactions":0`} {
					if !strings.Contains(th.body, s.expand(want)) {
						t.Errorf("thread after erasure lacks %s: %s", want, th.body)
					}
				}
				if strings.Contains(th.body, "Auf s1.") || strings.Contains(th.body, `"name":"Mara"`) {
					t.Errorf("thread after erasure still shows Mara: %s", th.body)
				}
				if s2 := s.do("GET", "/api/v1/sites/members/stories/s2/comments", "", ""); strings.Contains(s2.body, s.ids["m2"]) {
					t.Errorf("s2 still shows m2: %s", s2.body)
				}
				old := s.ids["Mara"]
				if signIn(s, "Mara", nil) == old {
					t.Error("signing in again found the erased user: the identity was kept")
				}
			}},
		{name: "erase anonymizes", before: func(s *stack) { anonymizing(s); maraWrote(s) }, method: "DELETE", path: myAccount, body: `{"confirm":"delete"}`, as: "Mara", status: 204,
			check: func(t *testing.T, s *stack, r response) {
				th := s.do("GET", "/api/v1/sites/members/stories/s1/comments", "", "")
				if want := s.expand(`"id":"{m1}"`); !strings.Contains(th.body, want) || !strings.Contains(th.body, `"author":{"id":"","name":"","deleted":true}`) || !strings.Contains(th.body, "Auf s1.") {
					t.Errorf("thread after anonymizing = %s, want m1 kept by a deleted user", th.body)
				}
				if strings.Contains(th.body, "Mara") {
					t.Errorf("thread after anonymizing names Mara: %s", th.body)
				}
				block := s.do("GET", "/embed/members/stories/s1?lang=de", "", "")
				if !strings.Contains(block.body, "Gelöschtes Konto") || strings.Contains(block.body, ">Mara<") {
					t.Errorf("block after anonymizing does not show a deleted user: %s", block.body)
				}
			}},
	}...)
}
