package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/embed"
)

// The authorization matrix: every route that changes something, asked by
// every kind of caller, each cell with the status (and error key) the
// product owes that caller. A route is one row of matrixRoutes; a caller
// is one column of matrixCallers. Each cell builds its own world (a fresh
// story, a comment of its own owner, the caller's own user and session),
// so no cell depends on another and a new row needs no new fixtures.
//
// Decisions the matrix writes down:
//   - A credential that is refused (unknown, expired, signed out, not a
//     bearer token) is 401 on every route, sign-in included: a client
//     holding a dead session learns so, drops it and signs in again,
//     rather than acting as a stranger.
//   - Roles are per site: a moderator of another site is nobody here
//     (403 otherSite), except where no site role is asked for (an SSO
//     exchange names its own reader).
//   - Nobody edits or deletes another person's comment through these
//     routes, moderators and admins included (403 notAuthor): removing a
//     comment as a moderator is a moderation verdict with its own route
//     and audit trail, not a reader's delete.
//   - Moderators and admins react and report like any reader; nobody
//     reacts to or reports their own comment (403 ownComment).
//   - The home site takes no anonymous comments, so the anonymous caller
//     is asked to sign in (401 signInRequired).
//   - A suspended or banned reader cannot post, react or report (403
//     suspended, 403 banned); everything else a reader does still works
//     for them: withdrawing a reaction, their account, signing out.
//   - The moderators' API (/api/v1/admin) is for the site's moderators
//     and admins alone: staff, readers and sanctioned readers get 403
//     roleTooLow, a moderator of another site 403 otherSite.

// Callers, the matrix's columns.
const (
	callNone          = iota // no credential at all
	callGarbageSess          // a well-formed session token that was never issued
	callGarbageString        // a random string that no method claims
	callExpired              // a session whose end the clock has passed
	callRevoked              // a session signed out of
	callOwner                // the commenter who wrote the cell's comment
	callOther                // another commenter of the site
	callStaff                // staff of the site
	callOtherMod             // a moderator of the away site, here
	callModerator            // a moderator of the site
	callAdmin                // an admin of the site
	callSuspended            // a commenter of the site, suspended
	callBanned               // a commenter of the site, banned
	callers
)

var callerNames = [callers]string{"none", "garbage pss_", "garbage", "expired", "revoked", "owner", "other", "staff", "mod elsewhere", "moderator", "admin", "suspended", "banned"}

// Expected answers that recur across rows.
const (
	garbageSess = "401 sessionInvalid"
	garbage     = "401 credentialInvalid"
	expired     = "401 sessionExpired"
	revoked     = "401 sessionInvalid"
	otherSite   = "403 otherSite"
	notAuthor   = "403 notAuthor"
	ownComment  = "403 ownComment"
	roleTooLow  = "403 roleTooLow"
	suspended   = "403 suspended"
	banned      = "403 banned"
	// unknownID is shaped like an ID and names nothing.
	unknownID = "06h34vm47knhfa8g832zpc16ng"
)

// matrixRoute is one row: a request, prepared for one cell, and what each
// caller gets. want holds "status" or "status key".
type matrixRoute struct {
	name   string
	method string
	// path may use {story} and {comment}, the cell's own.
	path string
	// body builds the request body for the cell ("" for none).
	body func(c *cell) string
	// prepare readies what the route needs beyond the cell's comment,
	// as the caller (reacting before a withdrawal, say).
	prepare func(c *cell)
	// form posts the block's HTML form: the answer is a page, not JSON,
	// so its cells name statuses alone.
	form bool
	want [callers]string
}

func matrixRoutes() []matrixRoute {
	text := func(*cell) string { return `{"body":"Ein Kommentar."}` }
	// want, column by column: none, garbage pss_, garbage, expired,
	// revoked, owner, other, staff, mod elsewhere, moderator, admin,
	// suspended, banned.
	return append([]matrixRoute{
		{name: "post comment", method: "POST", path: "/api/v1/sites/home/stories/{story}/comments", body: text,
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, "201", "201", "201", otherSite, "201", "201", suspended, banned}},
		{name: "post form", method: "POST", path: "/embed/home/stories/{story}/comments", form: true,
			want: [callers]string{"401", "401", "401", "401", "401", "303", "303", "303", "403", "303", "303", "403", "403"}},
		{name: "edit comment", method: "PATCH", path: "/api/v1/comments/{comment}", body: text,
			want: [callers]string{"401 authorRequired", garbageSess, garbage, expired, revoked, "200", notAuthor, notAuthor, otherSite, notAuthor, notAuthor, notAuthor, notAuthor}},
		{name: "delete comment", method: "DELETE", path: "/api/v1/comments/{comment}",
			want: [callers]string{"401 authorRequired", garbageSess, garbage, expired, revoked, "204", notAuthor, notAuthor, otherSite, notAuthor, notAuthor, notAuthor, notAuthor}},
		{name: "react", method: "PUT", path: "/api/v1/comments/{comment}/reaction",
			want: [callers]string{"401 identityRequired", garbageSess, garbage, expired, revoked, ownComment, "200", "200", otherSite, "200", "200", suspended, banned}},
		{name: "unreact", method: "DELETE", path: "/api/v1/comments/{comment}/reaction", prepare: reactFirst,
			want: [callers]string{"401 identityRequired", garbageSess, garbage, expired, revoked, "200", "200", "200", otherSite, "200", "200", "200", "200"}},
		{name: "report", method: "POST", path: "/api/v1/comments/{comment}/reports", body: func(*cell) string { return `{"reason":"spam"}` },
			want: [callers]string{"401 identityRequired", garbageSess, garbage, expired, revoked, ownComment, "201", "201", otherSite, "201", "201", suspended, banned}},
		{name: "sso exchange", method: "POST", path: "/api/v1/sites/home/auth/sso", body: ssoBody,
			want: [callers]string{"200", garbageSess, garbage, expired, revoked, "200", "200", "200", "200", "200", "200", "200", "200"}},
		{name: "e-mail link", method: "POST", path: "/api/v1/sites/home/auth/email", body: func(c *cell) string { return `{"email":"leser` + strconv.Itoa(c.n) + `@example.org","lang":"de"}` },
			want: [callers]string{"202", garbageSess, garbage, expired, revoked, "202", "202", "202", "202", "202", "202", "202", "202"}},
		{name: "sign-in code", method: "POST", path: "/api/v1/sites/home/auth/code", body: func(*cell) string { return `{"code":"psc_unknown"}` },
			want: [callers]string{"401 signInCodeInvalid", garbageSess, garbage, expired, revoked, "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid", "401 signInCodeInvalid"}},
		{name: "passkey options", method: "POST", path: "/api/v1/sites/home/auth/passkey/register/options",
			want: [callers]string{"401 passkeySessionRequired", garbageSess, garbage, expired, revoked, "200", "200", "200", "401 passkeySessionRequired", "200", "200", "200", "200"}},
		{name: "remove passkey", method: "DELETE", path: "/api/v1/sites/home/me/passkeys/ppk_unknown",
			want: [callers]string{"401 passkeySessionRequired", garbageSess, garbage, expired, revoked, "404 passkeyNotFound", "404 passkeyNotFound", "404 passkeyNotFound", "401 passkeySessionRequired", "404 passkeyNotFound", "404 passkeyNotFound", "404 passkeyNotFound", "404 passkeyNotFound"}},
		{name: "notifications", method: "PUT", path: "/api/v1/sites/home/me/notifications", body: func(*cell) string { return `{"replies":false,"lang":"de"}` },
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, "200", "200", "200", otherSite, "200", "200", "200", "200"}},
		{name: "delete account", method: "DELETE", path: "/api/v1/sites/home/me", body: func(*cell) string { return `{"confirm":"delete"}` },
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, "204", "204", "204", otherSite, "204", "204", "204", "204"}},
		{name: "mark inbox read", method: "POST", path: "/api/v1/sites/home/inbox/read", body: func(*cell) string { return `{"all":true}` },
			want: [callers]string{"401 identityRequired", garbageSess, garbage, expired, revoked, "200", "200", "200", otherSite, "200", "200", "200", "200"}},
		{name: "add webhook", method: "POST", path: "/api/v1/admin/sites/home/webhooks", body: func(*cell) string { return `{"url":"https://hooks.example/parley","events":["comment.created"]}` },
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, roleTooLow, roleTooLow, roleTooLow, otherSite, roleTooLow, "201", roleTooLow, roleTooLow}},
		{name: "rotate webhook", method: "POST", path: "/api/v1/admin/sites/home/webhooks/" + unknownID + "/rotate",
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, roleTooLow, roleTooLow, roleTooLow, otherSite, roleTooLow, "404", roleTooLow, roleTooLow}},
		{name: "remove webhook", method: "DELETE", path: "/api/v1/admin/sites/home/webhooks/" + unknownID,
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, roleTooLow, roleTooLow, roleTooLow, otherSite, roleTooLow, "404", roleTooLow, roleTooLow}},
		{name: "redeliver", method: "POST", path: "/api/v1/admin/sites/home/deliveries/" + unknownID + "/redeliver",
			want: [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, roleTooLow, roleTooLow, roleTooLow, otherSite, roleTooLow, "404", roleTooLow, roleTooLow}},
		{name: "sign out", method: "POST", path: "/api/v1/sites/home/auth/signout",
			want: [callers]string{"401 sessionRequired", garbageSess, garbage, expired, revoked, "204", "204", "204", "401 sessionRequired", "204", "204", "204", "204"}},
	}, append(dsaRoutes(), adminMatrixRoutes()...)...)
}

// adminMatrixRoutes are the moderators' routes: each answers the site's
// moderators and admins, and refuses everyone else before it reads
// anything.
func adminMatrixRoutes() []matrixRoute {
	const base = "/api/v1/admin/sites/home"
	mods := func(ok string) [callers]string {
		return [callers]string{"401 signInRequired", garbageSess, garbage, expired, revoked, roleTooLow, roleTooLow, roleTooLow, otherSite, ok, ok, roleTooLow, roleTooLow}
	}
	body := func(s string) func(*cell) string { return func(*cell) string { return s } }
	return []matrixRoute{
		{name: "queue", method: "GET", path: base + "/queue?status=pending&story={story}", want: mods("200")},
		{name: "queue counts", method: "GET", path: base + "/queue/counts", want: mods("200")},
		{name: "decide", method: "POST", path: base + "/decisions", body: func(c *cell) string {
			return `{"action":"reject","reason":"spam","commentIds":["` + c.comment + `"]}`
		}, want: mods("200")},
		{name: "undo", method: "POST", path: base + "/decisions/{entry}/undo", prepare: decideFirst, want: mods("201")},
		{name: "sanction", method: "POST", path: base + "/users/{user}/sanctions", body: body(`{"kind":"warn","reason":"spam","message":"Bitte."}`), want: mods("201")},
		{name: "notes", method: "GET", path: base + "/users/{user}/notes", want: mods("200")},
		{name: "add note", method: "POST", path: base + "/users/{user}/notes", body: body(`{"text":"Notiz."}`), want: mods("201")},
		{name: "history", method: "GET", path: base + "/users/{user}/history", want: mods("200")},
		{name: "close story", method: "POST", path: base + "/stories/{story}/close", want: mods("201")},
		{name: "reopen story", method: "POST", path: base + "/stories/{story}/reopen", want: mods("200")},
		{name: "audit", method: "GET", path: base + "/audit", want: mods("200")},
		{name: "audit csv", method: "GET", path: base + "/audit.csv", want: mods("200")},
	}
}

// decideFirst rejects the cell's comment as the caller, so that undoing
// has the caller's own decision to undo where the caller may decide;
// elsewhere {entry} names an entry nobody may reach anyway.
func decideFirst(c *cell) {
	c.t.Helper()
	c.entry = "1"
	r := c.s.do("POST", "/api/v1/admin/sites/home/decisions", `{"action":"reject","reason":"spam","commentIds":["`+c.comment+`"]}`, "", "Authorization: "+c.bearer)
	var out struct{ Entries []struct{ ID int64 } }
	if r.status == http.StatusOK && json.Unmarshal([]byte(r.body), &out) == nil && len(out.Entries) == 1 {
		c.entry = strconv.FormatInt(out.Entries[0].ID, 10)
	}
}

// TestAuthorizationMatrix asks every route of matrixRoutes as every caller
// on each backend, one stack per backend and a fresh world per cell, and
// logs the matrix for a reviewer.
func TestAuthorizationMatrix(t *testing.T) {
	routes := matrixRoutes()
	documented := openAPIErrorKeys(t)
	onBackends(t, func(t *testing.T, open backend) {
		s := newStack(t, open)
		secrets := parley.SSO{Secrets: []parley.SSOSecret{{KID: "k1", Secret: ssoSecret}}}
		// The cells post from few addresses on a frozen clock: a high
		// posting limit, so that the matrix tests authorization alone.
		s.MustSite(&parley.Site{ID: "home", Name: "Home", SSO: secrets, Origins: []string{"https://home.example"}, RateLimit: highLimit})
		s.MustSite(&parley.Site{ID: "away", Name: "Away", AllowAnonymous: true, RateLimit: highLimit})
		got := make([][callers]string, len(routes))
		cells := 0
		for i, rt := range routes {
			for who := range callers {
				if rt.want[who] == "" {
					t.Errorf("%s: no expectation for the caller %s", rt.name, callerNames[who])
				}
				// Cells run in turn: the expired caller moves the
				// stack's clock, which no other cell may see half-way.
				c := newCell(t, s, cells, who)
				got[i][who] = c.ask(rt)
				cells++
				if got[i][who] != rt.want[who] {
					t.Errorf("%s as %s: got %s, want %s", rt.name, callerNames[who], got[i][who], rt.want[who])
				}
				if _, key, _ := strings.Cut(got[i][who], " "); key != "" && !documented[key] {
					t.Errorf("%s as %s: the key %s is not among the error keys of openapi.json", rt.name, callerNames[who], key)
				}
			}
		}
		t.Logf("%d routes × %d callers = %d cells:\n%s", len(routes), callers, cells, matrixTable(routes, got))
		if cells < 80 {
			t.Errorf("the matrix asked %d cells, want at least 80", cells)
		}
	})
}

// openAPIErrorKeys returns the error keys that openapi.json documents, so
// that every refusal the matrix meets is one a client can look up.
func openAPIErrorKeys(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Properties map[string]struct{ Enum []string }
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	keys := map[string]bool{}
	for _, schema := range doc.Components.Schemas {
		for _, k := range schema.Properties["error"].Properties["key"].Enum {
			keys[k] = true
		}
	}
	if len(keys) == 0 {
		t.Fatal("openapi.json documents no error keys")
	}
	return keys
}

// cell is one request's world: its story, its comment by its owner, and
// the caller's credential.
type cell struct {
	t       *testing.T
	s       *stack
	n       int
	story   string
	owner   string // the owner's session token
	ownerID string
	comment string
	entry   string // an audit entry for the undo route (decideFirst)
	bearer  string // the caller's "Authorization" value, "" for none
	ref     string // what a route's prepare made for it: a notice, a decision, a complaint
}

// newCell builds the world of cell n for caller who. The caller comes
// first: the expired one moves the clock, and what the route needs must
// be made at the time the request is sent.
func newCell(t *testing.T, s *stack, n, who int) *cell {
	t.Helper()
	c := &cell{t: t, s: s, n: n, story: "m" + strconv.Itoa(n)}
	var token string
	switch who {
	case callGarbageSess:
		token, _ = parley.NewSessionToken() // never stored
	case callGarbageString:
		token = rand.Text()
	case callExpired:
		token = c.session("home", parley.RoleCommenter)
		site, err := s.svc.Site(context.Background(), "home")
		if err != nil {
			t.Fatal(err)
		}
		s.advance(site.SessionLifetime() + 1)
	case callRevoked:
		token = c.session("home", parley.RoleCommenter)
		if r := s.do("POST", "/api/v1/sites/home/auth/signout", "", "", "Authorization: Bearer "+token); r.status != http.StatusNoContent {
			t.Fatalf("sign out: %d %s", r.status, r.body)
		}
	case callOther:
		token = c.session("home", parley.RoleCommenter)
	case callStaff:
		token = c.session("home", parley.RoleStaff)
	case callOtherMod:
		token = c.session("away", parley.RoleModerator)
	case callModerator:
		token = c.session("home", parley.RoleModerator)
	case callAdmin:
		token = c.session("home", parley.RoleAdmin)
	case callSuspended:
		token, _ = c.sessionUser("home", parley.RoleCommenter, parley.Sanctions{SuspendedUntil: parley.Now().Add(24 * time.Hour)})
	case callBanned:
		token, _ = c.sessionUser("home", parley.RoleCommenter, parley.Sanctions{BannedAt: parley.Now()})
	}
	c.owner, c.ownerID = c.sessionUser("home", parley.RoleCommenter, parley.Sanctions{})
	if who == callOwner {
		token = c.owner
	}
	if token != "" {
		c.bearer = "Bearer " + token
	}
	c.comment = c.post()
	return c
}

// session stores a new user with role on site and a live session of
// theirs, as a sign-in would, and returns the session's token.
func (c *cell) session(site string, role parley.Role) string {
	c.t.Helper()
	token, _ := c.sessionUser(site, role, parley.Sanctions{})
	return token
}

// sessionUser is session for a user under sanctions sn, and returns the
// user's ID too.
func (c *cell) sessionUser(site string, role parley.Role, sn parley.Sanctions) (token, id string) {
	c.t.Helper()
	now := c.s.clock()
	token, hash := parley.NewSessionToken()
	u := &parley.User{ID: parley.NewID(now), SiteID: site, Name: fmt.Sprintf("%s %d", role, c.n), Role: role, CreatedAt: now}
	se := &parley.Session{Hash: hash, UserID: u.ID, SiteID: site, Method: "email", CreatedAt: now, ExpiresAt: now.Add(parley.DefaultSessionTTL)}
	err := c.s.store.Update(context.Background(), func(tx parley.Tx) error {
		if err := tx.CreateUser(context.Background(), u); err != nil {
			return err
		}
		if err := tx.CreateSession(context.Background(), se); err != nil {
			return err
		}
		return tx.SetSanctions(context.Background(), u.ID, sn)
	})
	if err != nil {
		c.t.Fatalf("create %s session on %s: %v", role, site, err)
	}
	return token, u.ID
}

// post writes the cell's comment as its owner and returns its ID.
func (c *cell) post() string {
	c.t.Helper()
	r := c.s.do("POST", "/api/v1/sites/home/stories/"+c.story+"/comments", `{"body":"Vom Besitzer."}`, "", "Authorization: Bearer "+c.owner)
	var out struct{ Comment struct{ ID string } }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil {
		c.t.Fatalf("post the cell's comment: %d %s", r.status, r.body)
	}
	return out.Comment.ID
}

// ask sends the route's request as the cell's caller and returns the
// answer as the matrix spells it: "status" or "status key".
func (c *cell) ask(rt matrixRoute) string {
	c.t.Helper()
	if rt.prepare != nil {
		rt.prepare(c)
	}
	path := strings.NewReplacer("{story}", c.story, "{comment}", c.comment, "{ref}", c.ref, "{entry}", c.entry, "{user}", c.ownerID).Replace(rt.path)
	var body string
	// each cell is a client of its own, as far as the limits can tell
	headers := []string{"Authorization: " + c.bearer, "X-Forwarded-For: 198.51.100." + strconv.Itoa(c.n%250+1)}
	switch {
	case rt.form:
		form := url.Values{"body": {"Aus dem Formular."}, "lang": {"de"}, "token": {embed.FormToken(formKey, "home", c.story, c.s.clock())}}
		body = form.Encode()
		headers = append(headers, "Content-Type: application/x-www-form-urlencoded", "Origin: "+publicOrigin)
	case rt.body != nil:
		body = rt.body(c)
	}
	r := c.s.do(rt.method, path, body, "", headers...)
	answer := strconv.Itoa(r.status)
	if rt.form || r.status < 400 {
		return answer
	}
	var e struct{ Error struct{ Key string } }
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		c.t.Errorf("%s %s: the refusal is not JSON: %s", rt.method, path, r.body)
	}
	if e.Error.Key != "" {
		answer += " " + e.Error.Key
	}
	return answer
}

// reactFirst reacts to the cell's comment as the caller, so that
// withdrawing has something to withdraw where the caller may react.
func reactFirst(c *cell) {
	c.s.do("PUT", "/api/v1/comments/"+c.comment+"/reaction", "", "", "Authorization: "+c.bearer)
}

// ssoBody is an exchange of a fresh SSO token for the home site.
func ssoBody(c *cell) string {
	tok := mint(c.s, map[string]any{"aud": "home", "sub": "reader-" + strconv.Itoa(c.n)})
	return `{"token":"` + tok + `"}`
}

// matrixTable lays out the answers, one row per route, for the test log;
// a cell that differs from what was wanted shows both.
func matrixTable(routes []matrixRoute, got [][callers]string) string {
	width := 0
	for i := range got {
		for _, answer := range got[i] {
			width = max(width, len(answer))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-15s", "")
	for _, n := range callerNames {
		fmt.Fprintf(&b, " %-*s", width, n)
	}
	for i, rt := range routes {
		fmt.Fprintf(&b, "\n%-15s", rt.name)
		for who, answer := range got[i] {
			if answer != rt.want[who] {
				answer += " (want " + rt.want[who] + ")"
			}
			fmt.Fprintf(&b, " %-*s", width, answer)
		}
	}
	return b.String()
}
