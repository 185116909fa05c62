package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"parley"
)

// staff stores a user of site with role and a session of theirs, and
// lets the stack's requests act as them under name.
func staff(s *stack, site, name string, role parley.Role) *parley.User {
	s.t.Helper()
	now := s.clock()
	token, hash := parley.NewSessionToken()
	u := &parley.User{ID: parley.NewID(now), SiteID: site, Name: name, Role: role, CreatedAt: now}
	se := &parley.Session{Hash: hash, UserID: u.ID, SiteID: site, Method: "email", CreatedAt: now, ExpiresAt: now.Add(parley.DefaultSessionTTL)}
	err := s.store.Update(context.Background(), func(tx parley.Tx) error {
		if err := tx.CreateUser(context.Background(), u); err != nil {
			return err
		}
		return tx.CreateSession(context.Background(), se)
	})
	if err != nil {
		s.t.Fatalf("staff %s: %v", name, err)
	}
	s.tokens[name] = token
	return u
}

// errorOf reads the error of an answer; the test fails unless it is one.
func errorOf(t *testing.T, r response) (code, key, until string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Key, Until string }
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not a JSON error: %d %s", r.status, r.body)
	}
	return e.Error.Code, e.Error.Key, e.Error.Until
}

// wantError fails unless r is the JSON error status key.
func wantError(t *testing.T, what string, r response, status int, key string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: %d %s, want %d %s", what, r.status, r.body, status, key)
		return
	}
	if _, got, _ := errorOf(t, r); got != key {
		t.Errorf("%s: key %q, want %q", what, got, key)
	}
}

// TestAdminQueueAndDecisions walks a moderator through a queue over HTTP:
// read it, approve, approve again (nothing to do), undo, and the refusals
// in between.
func TestAdminQueueAndDecisions(t *testing.T) {
	onBackends(t, func(t *testing.T, open backend) {
		s := fixtures(t, open)
		staff(s, "news", "Mona", parley.RoleModerator)
		if err := s.store.SetCommentStatus(context.Background(), s.ids["r1"], parley.StatusPending, s.clock()); err != nil {
			t.Fatal(err)
		}
		r := s.do("GET", "/api/v1/admin/sites/news/queue?status=pending&story=s1", "", "Mona")
		if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("queue: %d %s (Cache-Control %q)", r.status, r.body, r.header.Get("Cache-Control"))
		}
		var page struct {
			Items []struct {
				Comment struct{ ID, Body, Status string }
				Parent  *struct{ ID string }
				Story   struct{ ID string }
				Author  struct {
					Name    string
					Pending int
					Status  string
				}
				Reports []any
			}
			NextCursor string
		}
		if err := json.Unmarshal([]byte(r.body), &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].Comment.ID != s.ids["r1"] || page.Items[0].Comment.Body != "Eine Antwort." ||
			page.Items[0].Parent == nil || page.Items[0].Parent.ID != s.ids["c1"] || page.Items[0].Story.ID != "s1" ||
			page.Items[0].Author.Name != "Bob" || page.Items[0].Author.Pending != 1 || page.Items[0].Reports == nil {
			t.Errorf("queue page = %s", r.body)
		}

		decision := `{"action":"approve","commentIds":["` + s.ids["r1"] + `"]}`
		r = s.do("POST", "/api/v1/admin/sites/news/decisions", decision, "Mona")
		var out struct {
			Entries []struct {
				ID                    int64
				Action, Before, After string
			}
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &out) != nil || len(out.Entries) != 1 ||
			out.Entries[0].Action != parley.AuditApproved || out.Entries[0].Before != "pending" {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if r := s.do("POST", "/api/v1/admin/sites/news/decisions", decision, "Mona"); r.status != http.StatusOK || !strings.Contains(r.body, `"entries":[]`) {
			t.Errorf("approving twice: %d %s, want no entries", r.status, r.body)
		}
		id := strings.TrimSpace(strings.Split(strings.Split(r.body, `"id":`)[1], ",")[0])
		if r := s.do("POST", "/api/v1/admin/sites/news/decisions/"+id+"/undo", "", "Mona"); r.status != http.StatusCreated || !strings.Contains(r.body, `"action":"comment.held"`) {
			t.Errorf("undo: %d %s", r.status, r.body)
		}
		wantError(t, "undo twice", s.do("POST", "/api/v1/admin/sites/news/decisions/"+id+"/undo", "", "Mona"), http.StatusConflict, "undoStale")
		wantError(t, "undo of no entry", s.do("POST", "/api/v1/admin/sites/news/decisions/abc/undo", "", "Mona"), http.StatusNotFound, "")
		wantError(t, "reject without a reason", s.do("POST", "/api/v1/admin/sites/news/decisions",
			`{"action":"reject","commentIds":["`+s.ids["r1"]+`"]}`, "Mona"), http.StatusBadRequest, "rejectReason")
		wantError(t, "an unknown field", s.do("POST", "/api/v1/admin/sites/news/decisions",
			`{"action":"approve","commentIds":["`+s.ids["r1"]+`"],"force":true}`, "Mona"), http.StatusBadRequest, "")
		wantError(t, "a comment of another site", s.do("POST", "/api/v1/admin/sites/news/decisions",
			`{"action":"approve","commentIds":["`+s.ids["d1"]+`"]}`, "Mona"), http.StatusNotFound, "")
		wantError(t, "a queue that is none", s.do("GET", "/api/v1/admin/sites/news/queue?status=all", "", "Mona"), http.StatusBadRequest, "badQueue")
		wantError(t, "a reader", s.do("GET", "/api/v1/admin/sites/news/queue?status=pending", "", "Alice"), http.StatusForbidden, "roleTooLow")
		wantError(t, "nobody", s.do("GET", "/api/v1/admin/sites/news/queue?status=pending", "", ""), http.StatusUnauthorized, "signInRequired")
		wantError(t, "another site", s.do("GET", "/api/v1/admin/sites/elsewhere/queue?status=pending", "", "Mona"), http.StatusForbidden, "otherSite")

		r = s.do("GET", "/api/v1/admin/sites/news/queue/counts?story=s1", "", "Mona")
		var counts struct {
			Counts map[string]int
			Cap    int
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &counts) != nil || counts.Counts["pending"] != 1 || counts.Counts["approved"] != 1 || counts.Cap != 999 {
			t.Errorf("counts: %d %s", r.status, r.body)
		}
	})
}

// TestAdminSanctions: a suspension over HTTP bars the reader, with its end
// in the refusal and the message in their language; a ban too; and
// reinstating lifts both.
func TestAdminSanctions(t *testing.T) {
	s := fixtures(t, onSQLite)
	staff(s, "news", "Mona", parley.RoleModerator)
	alice := s.userOf("c1")
	path := "/api/v1/admin/sites/news/users/" + alice + "/sanctions"
	r := s.do("POST", path, `{"kind":"suspend","hours":24,"reason":"harassment","message":"Bitte sachlich bleiben."}`, "Mona")
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"action":"user.suspended"`) || !strings.Contains(r.body, `"note":"Bitte sachlich bleiben."`) {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	post := func(lang string) response {
		return s.do("POST", "/api/v1/sites/news/stories/s1/comments", `{"body":"Trotzdem."}`, "Alice", "Accept-Language: "+lang)
	}
	r = post("de")
	wantError(t, "a suspended reader posting", r, http.StatusForbidden, "suspended")
	if _, _, until := errorOf(t, r); until == "" {
		t.Errorf("a suspension's refusal says no end: %s", r.body)
	} else if end, err := time.Parse(time.RFC3339, until); err != nil || end.Before(parley.Now().Add(23*time.Hour)) {
		t.Errorf("until = %q, want in about 24 hours", until)
	}
	if en := post("en"); strings.Contains(r.body, `"message":"You are suspended`) || en.body == r.body {
		t.Errorf("the refusal is not in German: %s", r.body)
	}
	wantError(t, "a suspended reader reacting", s.do("PUT", "/api/v1/comments/"+s.ids["c2"]+"/reaction", "", "Alice"), http.StatusForbidden, "suspended")
	if r := s.do("POST", path, `{"kind":"ban","reason":"harassment","message":"Endgültig."}`, "Mona"); r.status != http.StatusCreated {
		t.Fatalf("ban: %d %s", r.status, r.body)
	}
	wantError(t, "a banned reader reporting", s.do("POST", "/api/v1/comments/"+s.ids["c2"]+"/reports", `{"reason":"spam"}`, "Alice"), http.StatusForbidden, "banned")
	if r := s.do("POST", path, `{"kind":"ban","reason":"harassment"}`, "Mona"); r.status != http.StatusOK || !strings.Contains(r.body, `"entry":null`) {
		t.Errorf("banning twice: %d %s, want 200 and no entry", r.status, r.body)
	}
	if r := s.do("POST", path, `{"kind":"reinstate"}`, "Mona"); r.status != http.StatusCreated {
		t.Fatalf("reinstate: %d %s", r.status, r.body)
	}
	if r := post("de"); r.status != http.StatusCreated {
		t.Errorf("a reinstated reader posting: %d %s", r.status, r.body)
	}
	wantError(t, "hours out of range", s.do("POST", path, `{"kind":"suspend","hours":-1,"reason":"spam"}`, "Mona"), http.StatusBadRequest, "suspensionLength")
	wantError(t, "hours as text", s.do("POST", path, `{"kind":"suspend","hours":"1","reason":"spam"}`, "Mona"), http.StatusBadRequest, "")
	mona := staff(s, "news", "Max", parley.RoleModerator)
	wantError(t, "another moderator", s.do("POST", "/api/v1/admin/sites/news/users/"+mona.ID+"/sanctions", `{"kind":"ban","reason":"spam"}`, "Mona"),
		http.StatusForbidden, "sanctionRole")
	wantError(t, "a user of another site", s.do("POST", "/api/v1/admin/sites/news/users/"+s.userOf("d1")+"/sanctions", `{"kind":"ban","reason":"spam"}`, "Mona"),
		http.StatusNotFound, "")
}

// userOf returns the author of a fixture comment.
func (s *stack) userOf(name string) string {
	s.t.Helper()
	c, err := s.store.Comment(context.Background(), s.ids[name])
	if err != nil {
		s.t.Fatal(err)
	}
	return c.AuthorID
}

// TestAdminNotesHistoryStoriesAudit: notes, a user's history, closing a
// story, and the audit log as JSON pages and as a CSV that no spreadsheet
// runs as formulas.
func TestAdminNotesHistoryStoriesAudit(t *testing.T) {
	s := fixtures(t, onSQLite)
	staff(s, "news", "Mona", parley.RoleModerator)
	alice := s.userOf("c1")
	notes := "/api/v1/admin/sites/news/users/" + alice + "/notes"
	for _, text := range []string{"=1+1", "Ganz normal."} {
		body, _ := json.Marshal(map[string]string{"text": text})
		if r := s.do("POST", notes, string(body), "Mona"); r.status != http.StatusCreated {
			t.Fatalf("note: %d %s", r.status, r.body)
		}
	}
	if r := s.do("GET", notes, "", "Mona"); r.status != http.StatusOK || strings.Index(r.body, "Ganz normal.") > strings.Index(r.body, "=1+1") {
		t.Errorf("notes: %d %s, want newest first", r.status, r.body)
	}
	wantError(t, "an empty note", s.do("POST", notes, `{"text":""}`, "Mona"), http.StatusBadRequest, "noteRequired")
	r := s.do("GET", "/api/v1/admin/sites/news/users/"+alice+"/history", "", "Mona")
	if r.status != http.StatusOK || !strings.Contains(r.body, s.ids["c1"]) || !strings.Contains(r.body, s.ids["x1"]) {
		t.Errorf("history: %d %s", r.status, r.body)
	}
	if r := s.do("POST", "/api/v1/admin/sites/news/stories/s2/close", "", "Mona"); r.status != http.StatusCreated {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := s.do("POST", "/api/v1/admin/sites/news/stories/s2/close", "", "Mona"); r.status != http.StatusOK || !strings.Contains(r.body, `"entry":null`) {
		t.Errorf("closing twice: %d %s", r.status, r.body)
	}
	wantError(t, "posting on the closed story", s.do("POST", "/api/v1/sites/news/stories/s2/comments", `{"body":"Zu spät."}`, "Carol"), http.StatusForbidden, "closed")
	if r := s.do("POST", "/api/v1/admin/sites/news/stories/s2/reopen", "", "Mona"); r.status != http.StatusCreated {
		t.Fatalf("reopen: %d %s", r.status, r.body)
	}

	// The log pages newest first with its cursor.
	var ids []int64
	cursor := ""
	for range 10 {
		r := s.do("GET", "/api/v1/admin/sites/news/audit?limit=2&cursor="+cursor, "", "Mona")
		var page struct {
			Entries    []struct{ ID int64 }
			NextCursor string
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &page) != nil {
			t.Fatalf("audit: %d %s", r.status, r.body)
		}
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	// two notes, the close and the reopening; closing twice wrote nothing
	if len(ids) != 4 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("audit pages = %v, want the 4 entries newest first", ids)
	}
	if r := s.do("GET", "/api/v1/admin/sites/news/audit?action=user.noted&user="+alice, "", "Mona"); strings.Count(r.body, `"action":"user.noted"`) != 2 {
		t.Errorf("audit of notes: %s", r.body)
	}
	wantError(t, "a forged cursor", s.do("GET", "/api/v1/admin/sites/news/audit?cursor=x", "", "Mona"), http.StatusBadRequest, "cursorInvalid")
	wantError(t, "a bad time", s.do("GET", "/api/v1/admin/sites/news/audit?from=yesterday", "", "Mona"), http.StatusBadRequest, "")

	r = s.do("GET", "/api/v1/admin/sites/news/audit.csv?action=user.noted", "", "Mona")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="parley-audit-news-`) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("audit.csv: %d %v", r.status, r.header)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][9] != "note" || rows[1][9] != "Ganz normal." || rows[2][9] != "'=1+1" {
		t.Errorf("audit.csv rows = %q, %v", rows, err)
	}
	r = s.do("GET", "/api/v1/admin/sites/news/audit.csv", "", "Alice")
	wantError(t, "a reader exporting", r, http.StatusForbidden, "roleTooLow")
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || r.header.Get("Content-Disposition") != "" {
		t.Errorf("a refused export is %q with Content-Disposition %q", ct, r.header.Get("Content-Disposition"))
	}
}

// TestAdminBadInput: hostile input to the moderators' routes is a 4xx
// with a JSON error, never a 500.
func TestAdminBadInput(t *testing.T) {
	s := fixtures(t, onSQLite)
	staff(s, "news", "Mona", parley.RoleModerator)
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = s.ids["c1"]
	}
	many, _ := json.Marshal(map[string]any{"action": "approve", "commentIds": ids})
	const base = "/api/v1/admin/sites/news"
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"2,000 comments at once", "POST", base + "/decisions", string(many), http.StatusBadRequest},
		{"a body over 64 KiB", "POST", base + "/decisions", `{"action":"approve","note":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"IDs that are not strings", "POST", base + "/decisions", `{"action":"approve","commentIds":[1,2]}`, http.StatusBadRequest},
		{"not JSON", "POST", base + "/decisions", `approve`, http.StatusBadRequest},
		{"a limit that is no number", "GET", base + "/queue?status=pending&limit=abc", "", http.StatusBadRequest},
		{"a search with a NUL", "GET", base + "/queue?status=pending&text=%00", "", http.StatusBadRequest},
		{"an address filter with SQL", "GET", base + "/queue?status=pending&ip=%27%20OR%201%3D1", "", http.StatusBadRequest},
		{"a story ID too long", "GET", base + "/queue?status=pending&story=" + strings.Repeat("s", 200), "", http.StatusBadRequest},
		{"an entry ID past int64", "POST", base + "/decisions/99999999999999999999999/undo", "", http.StatusNotFound},
		{"a user ID with a slash", "GET", base + "/users/a%2Fb/notes", "", http.StatusNotFound},
		{"a user ID with a NUL", "GET", base + "/users/a%00b/history", "", http.StatusNotFound},
		{"an audit filter with a NUL", "GET", base + "/audit?user=%00", "", http.StatusBadRequest},
		{"an audit limit too big", "GET", base + "/audit?limit=100000", "", http.StatusBadRequest},
		{"an audit CSV with a bad time", "GET", base + "/audit.csv?to=soon", "", http.StatusBadRequest},
		{"a sanction of a huge duration", "POST", base + "/users/" + s.userOf("c1") + "/sanctions", `{"kind":"suspend","hours":9223372036854775807,"reason":"spam"}`, http.StatusBadRequest},
		{"a site ID that is none", "GET", "/api/v1/admin/sites/%00/queue?status=pending", "", http.StatusBadRequest},
	} {
		r := s.do(tt.method, tt.path, tt.body, "Mona")
		if r.status != tt.status {
			t.Errorf("%s: %d %.200s, want %d", tt.name, r.status, r.body, tt.status)
			continue
		}
		errorOf(t, r)
	}
}
