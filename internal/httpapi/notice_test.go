package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"parley"
)

// The matrix rows of the Digital Services Act's routes. Anyone files a
// notice, also without a credential, from another site or under a
// sanction; moderators and admins of the site alone work the queues; only
// a decision's subject contests it, and a moderator of another site finds
// no such decision.
func dsaRoutes() []matrixRoute {
	staffOnly := func(ok string) [callers]string {
		return [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, "403 roleTooLow", "403 roleTooLow", "403 roleTooLow", otherSite, ok, ok, "403 roleTooLow", "403 roleTooLow"}
	}
	notice := func(*cell) string {
		return `{"kind":"fraud","explanation":"Eine Betrugsmasche.","name":"Nora","email":"nora@example.org","goodFaith":true}`
	}
	notYours := "403 complaintNotYours"
	return []matrixRoute{
		{name: "file notice", method: "POST", path: "/api/v1/comments/{comment}/notices", body: notice,
			want: [callers]string{"201", garbageSess, garbage, expired, revoked, "201", "201", "201", "201", "201", "201", "201", "201"}},
		{name: "notice queue", method: "GET", path: "/api/v1/admin/sites/home/notices?status=received", want: staffOnly("200")},
		{name: "review notice", method: "POST", path: "/api/v1/admin/sites/home/notices/{ref}/review", prepare: fileNotice, want: staffOnly("200")},
		{name: "decide notice", method: "POST", path: "/api/v1/admin/sites/home/notices/{ref}/decision", prepare: fileNotice,
			body: func(*cell) string { return `{"action":"remove","ground":"terms","basis":"spam","note":"Werbung."}` }, want: staffOnly("200")},
		{name: "contest decision", method: "POST", path: "/api/v1/decisions/{ref}/complaints", prepare: removeByNotice,
			body: func(*cell) string { return `{"explanation":"Das war keine Werbung."}` },
			want: [callers]string{"401 authorRequired", garbageSess, garbage, expired, revoked, "201", notYours, notYours, "404", notYours, notYours, notYours, notYours}},
		{name: "statement", method: "GET", path: "/api/v1/decisions/{ref}/statement?lang=de", prepare: removeByNotice,
			want: [callers]string{"401 authorRequired", garbageSess, garbage, expired, revoked, "200", notYours, notYours, "404", notYours, notYours, notYours, notYours}},
		{name: "complaints", method: "GET", path: "/api/v1/admin/sites/home/complaints", want: staffOnly("200")},
		{name: "decide complaint", method: "POST", path: "/api/v1/admin/sites/home/complaints/{ref}/decision", prepare: contestRemoval,
			body: func(*cell) string { return `{"outcome":"upheld","note":"Bleibt entfernt."}` }, want: staffOnly("200")},
	}
}

// fileNotice files a notice on the cell's comment, from the cell's own
// address, and keeps its reference in c.ref.
func fileNotice(c *cell) {
	c.t.Helper()
	r := c.s.do("POST", "/api/v1/comments/"+c.comment+"/notices",
		`{"kind":"defamation","explanation":"Üble Nachrede.","name":"Nora","email":"nora@example.org","goodFaith":true}`, "",
		"X-Forwarded-For: 203.0.113."+strconv.Itoa(c.n%250+1))
	var out struct{ Reference string }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil {
		c.t.Fatalf("file a notice: %d %s", r.status, r.body)
	}
	c.ref = out.Reference
}

// removeByNotice has a moderator of the site remove the cell's comment on
// a notice, and keeps the removal's audit entry ID in c.ref.
func removeByNotice(c *cell) {
	c.t.Helper()
	fileNotice(c)
	mod := c.session("home", parley.RoleModerator)
	r := c.s.do("POST", "/api/v1/admin/sites/home/notices/"+c.ref+"/decision", `{"action":"remove","ground":"law","basis":"§ 186 StGB","note":"Unwahre Tatsachenbehauptung."}`, "",
		"Authorization: Bearer "+mod)
	var out struct{ Entries []int64 }
	if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &out) != nil || len(out.Entries) != 2 {
		c.t.Fatalf("decide the notice: %d %s", r.status, r.body)
	}
	c.ref = strconv.FormatInt(out.Entries[0], 10)
}

// contestRemoval has the owner contest the removal of removeByNotice, and
// keeps the complaint's reference in c.ref.
func contestRemoval(c *cell) {
	c.t.Helper()
	removeByNotice(c)
	r := c.s.do("POST", "/api/v1/decisions/"+c.ref+"/complaints", `{"explanation":"Keine Nachrede."}`, "", "Authorization: Bearer "+c.owner)
	var out struct{ Reference string }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil {
		c.t.Fatalf("contest the removal: %d %s", r.status, r.body)
	}
	c.ref = out.Reference
}

// TestStatementAPI: the subject of a removal reads its statement of
// reasons in their language, with the ground, the notice and redress.
func TestStatementAPI(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := newStack(t, open)
		s.MustSite(&parley.Site{ID: "home", Name: "Home", RateLimit: highLimit})
		c := &cell{t: t, s: s, n: 1, story: "st"}
		c.owner = c.session("home", parley.RoleCommenter)
		c.comment = c.post()
		removeByNotice(c)
		r := s.do("GET", "/api/v1/decisions/"+c.ref+"/statement?lang=fr", "", "", "Authorization: Bearer "+c.owner)
		for _, want := range []string{`"decision":"removed"`, `"ground":"law"`, `"provision":"§ 186 StGB"`, `"noticeRef":"N-`, "Exposé des motifs",
			"au regard de § 186 StGB", "règlement extrajudicial des litiges", `"automated":false`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("statement lacks %s: %d %s", want, r.status, r.body)
			}
		}
	})
}

// TestNoticeAPI: the notice route answers the reference, refuses bad
// fields with their keys in the reader's language, answers hidden and
// unknown comments alike, and limits each client.
func TestNoticeAPI(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := newStack(t, open)
		s.MustSite(&parley.Site{ID: "home", Name: "Home", AllowAnonymous: true, RateLimit: highLimit})
		r := s.do("POST", "/api/v1/sites/home/stories/s1/comments", `{"body":"Hallo.","author":{"name":"Ida"}}`, "")
		var posted struct{ Comment struct{ ID string } }
		if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &posted) != nil {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		path := "/api/v1/comments/" + posted.Comment.ID + "/notices"
		good := `{"kind":"child_sexual_abuse","explanation":"Missbrauch.","goodFaith":true}`
		r = s.do("POST", path, good, "", "X-Forwarded-For: 192.0.2.10")
		if r.status != http.StatusCreated || !strings.Contains(r.body, `"reference":"N-`) || !strings.Contains(r.body, `"mailed":false`) {
			t.Errorf("file notice: %d %s", r.status, r.body)
		}
		var filed struct{ Reference string }
		_ = json.Unmarshal([]byte(r.body), &filed)
		staff(s, "home", "Mona", parley.RoleModerator)
		for _, q := range []string{"status=notices", "status=notices&notice=received"} {
			if r := s.do("GET", "/api/v1/admin/sites/home/queue?"+q, "", "Mona"); r.status != http.StatusOK || filed.Reference == "" || !strings.Contains(r.body, `"reference":"`+filed.Reference+`"`) {
				t.Errorf("queue?%s: %d %s, want the notice %s", q, r.status, r.body, filed.Reference)
			}
		}
		if r := s.do("GET", "/api/v1/admin/sites/home/queue?status=notices&notice=decided", "", "Mona"); r.status != http.StatusOK || strings.Contains(r.body, filed.Reference) {
			t.Errorf("queue of decided notices: %d %s, want it without the notice just filed", r.status, r.body)
		}
		if r := s.do("GET", "/api/v1/admin/sites/home/queue?status=notices", "", ""); r.status != http.StatusUnauthorized {
			t.Errorf("the notice queue without a session: %d %s", r.status, r.body)
		}
		cases := []struct {
			name, body, lang string
			status           int
			want             string
		}{
			{"no good faith", `{"kind":"fraud","explanation":"x","name":"N","email":"n@example.org","goodFaith":false}`, "de", 400, `"key":"noticeGoodFaith"`},
			{"German message", `{"kind":"fraud","explanation":"x","goodFaith":true}`, "de", 400, "Bitte geben Sie Ihren Namen"},
			{"unknown field", `{"kind":"fraud","explanation":"x","goodFaith":true,"admin":true}`, "", 400, "unknown field"},
			{"not JSON", `kind=fraud`, "", 400, `"code":"invalid"`},
		}
		for _, c := range cases {
			r := s.do("POST", path+"?lang="+c.lang, c.body, "", "X-Forwarded-For: 192.0.2.11")
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d %s; want %d with %s", c.name, r.status, r.body, c.status, c.want)
			}
		}
		unknown := s.do("POST", "/api/v1/comments/"+strings.Repeat("0", len(posted.Comment.ID))+"/notices", good, "", "X-Forwarded-For: 192.0.2.12")
		garbled := s.do("POST", "/api/v1/comments/%00x/notices", good, "", "X-Forwarded-For: 192.0.2.12")
		if unknown.status != 404 || garbled.status != 404 || unknown.body != garbled.body {
			t.Errorf("unknown comment %d %s, garbled ID %d %s: want the same 404", unknown.status, unknown.body, garbled.status, garbled.body)
		}
		if r := s.do("POST", path, good, "", "X-Forwarded-For: 192.0.2.14", "Origin: https://evil.example"); r.status != http.StatusForbidden || !strings.Contains(r.body, "originNotAllowed") {
			t.Errorf("a notice through a disallowed origin: %d %s", r.status, r.body)
		}
		var last response
		for range 10 {
			if last = s.do("POST", path, good, "", "X-Forwarded-For: 192.0.2.13"); last.status != http.StatusCreated {
				break
			}
		}
		if last.status != http.StatusTooManyRequests || !strings.Contains(last.body, `"key":"noticeTooMany"`) || last.header.Get("Retry-After") == "" {
			t.Errorf("a flood from one client: %d %s %v", last.status, last.body, last.header)
		}
	})
}
