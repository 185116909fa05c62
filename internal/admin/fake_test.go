package admin

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/service"
)

// tokAdmin is the session of an admin of site news, whom the settings and
// webhook tests' stand-in sessions add to the staff of fakeSessions.
var tokAdmin = "pss_" + strings.Repeat("a", 43)

// These tests drive the handlers over a stand-in service that answers
// with fixed data and refuses as authorize does (below moderator, or of
// another site). The real service and stores are exercised end to end in
// cmd/parley/admin_test.go.

const testURL = "http://parley.test"

var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fakeService holds two sites and records the calls that change things.
type fakeService struct {
	calls []string
}

var (
	siteNews  = &parley.Site{ID: "news", Name: "Die Zeitung", Origins: []string{"https://news.example"}}
	siteOther = &parley.Site{ID: "other", Name: "Other"}
)

func (f *fakeService) Site(ctx context.Context, id string) (*parley.Site, error) {
	switch id {
	case "news":
		return siteNews, nil
	case "other":
		return siteOther, nil
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "no site %q", id)
}

// staff refuses as the service's authorize does.
func staff(ctx context.Context, siteID string) error {
	a := parley.ActorFrom(ctx)
	switch {
	case a == nil:
		return parley.Errorf(parley.EUNAUTHORIZED, "sign in").Keyed("signInRequired")
	case a.SiteID != siteID:
		return parley.Errorf(parley.EFORBIDDEN, "other site").Keyed("otherSite")
	case a.Role < parley.RoleModerator:
		return parley.Errorf(parley.EFORBIDDEN, "role").Keyed("roleTooLow")
	}
	return nil
}

func (f *fakeService) RequestEmailLink(ctx context.Context, in service.EmailLinkRequest) error {
	f.calls = append(f.calls, "link "+in.SiteID+" "+in.Email+" "+in.Return)
	if !strings.Contains(in.Email, "@") {
		return parley.Errorf(parley.EINVALID, "bad").Keyed("emailInvalid")
	}
	return in.Limit()
}

func (f *fakeService) ExchangeSignInCode(ctx context.Context, siteID, code string) (*service.SignedIn, error) {
	if tok, ok := codes[code]; ok {
		return &service.SignedIn{Session: tok}, nil
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "bad code").Keyed("signInCodeInvalid")
}

func (f *fakeService) SignOut(ctx context.Context, siteID string, everywhere bool) error {
	f.calls = append(f.calls, "signout "+siteID)
	return nil
}

func (f *fakeService) Queue(ctx context.Context, q service.QueueQuery) (*service.QueuePage, error) {
	if err := staff(ctx, q.SiteID); err != nil {
		return nil, err
	}
	if !parley.ValidQueue(q.Status) {
		return nil, parley.Errorf(parley.EINVALID, "bad queue")
	}
	if q.Cursor != "" && !parley.ValidCommentID(q.Cursor) {
		return nil, parley.Errorf(parley.EINVALID, "bad cursor")
	}
	return &service.QueuePage{Items: []*service.QueueItem{testItem(q.SiteID)}, Next: "01jdn9xq6w0000000000000001"[:26]}, nil
}

// testItem is a held comment with every part an item can show.
func testItem(siteID string) *service.QueueItem {
	c := &parley.Comment{ID: "01jdn9xq6w0000000000000000", SiteID: siteID, StoryID: "budget", AuthorID: "u1", AuthorName: "Lena <b>",
		Body: "You idiot, read this", HTML: "<p>You idiot, read <em>this</em></p>", Status: parley.StatusPending, CreatedAt: testNow.Add(-5 * time.Minute)}
	return &service.QueueItem{
		Comment: c, Story: &parley.Story{SiteID: siteID, ID: "budget", Title: "The budget", URL: "https://news.example/budget", Status: "open"},
		Parent:   &parley.Comment{ID: "p", AuthorName: "Sam", Body: "The budget is fine."},
		Revision: &parley.Revision{N: 2, Reasons: []parley.Reason{{Check: parley.CheckWords, Key: "suspect", Detail: "idiot"}, {Check: parley.CheckRule, Key: "links"}, {Check: parley.CheckScorer, Scorer: "local", Key: "capitals", Score: 0.82}}},
		Edited:   true,
		Reports:  []service.ReportCount{{Reason: parley.ReasonAbuse, N: 2, Notes: []string{"rude"}}},
		Author:   &service.AuthorSummary{Approved: 3, Pending: 1, Rejected: 1, Reports: 2, Status: parley.StandingWarned, Notes: 1},
	}
}

func (f *fakeService) QueueCounts(ctx context.Context, siteID, storyID string) (map[string]int, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	return map[string]int{parley.QueuePending: 1, parley.QueueReported: 1500}, nil
}

func (f *fakeService) Decide(ctx context.Context, d service.Decision) ([]*parley.AuditEntry, error) {
	if err := staff(ctx, d.SiteID); err != nil {
		return nil, err
	}
	f.calls = append(f.calls, fmt.Sprintf("decide %s %v %s %s", d.Action, d.CommentIDs, d.Reason, d.Note))
	if d.Action == service.ActionReject && !parley.ValidRejectReason(d.Reason) {
		return nil, parley.Errorf(parley.EINVALID, "reason").Keyed("rejectReason")
	}
	return []*parley.AuditEntry{{ID: 7, SiteID: d.SiteID, Action: parley.AuditApproved, CommentID: d.CommentIDs[0]}}, nil
}

func (f *fakeService) Undo(ctx context.Context, siteID string, id int64) (*parley.AuditEntry, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	f.calls = append(f.calls, fmt.Sprintf("undo %d", id))
	return &parley.AuditEntry{ID: 8, Action: parley.AuditHeld}, nil
}

func (f *fakeService) Sanction(ctx context.Context, sn service.Sanction) (*parley.AuditEntry, error) {
	if err := staff(ctx, sn.SiteID); err != nil {
		return nil, err
	}
	f.calls = append(f.calls, fmt.Sprintf("sanction %s %s %s %v", sn.UserID, sn.Kind, sn.Reason, sn.Duration))
	return &parley.AuditEntry{ID: 9, Action: parley.AuditBanned, UserID: sn.UserID}, nil
}

func (f *fakeService) AddNote(ctx context.Context, siteID, userID, text string) (*parley.AuditEntry, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	f.calls = append(f.calls, "note "+userID+" "+text)
	return &parley.AuditEntry{ID: 10, Action: parley.AuditNoted}, nil
}

func (f *fakeService) Notes(ctx context.Context, siteID, userID string) ([]*parley.AuditEntry, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	return []*parley.AuditEntry{{ID: 3, Action: parley.AuditNoted, Note: "Second warning <script>", CreatedAt: testNow}}, nil
}

func (f *fakeService) History(ctx context.Context, siteID, userID, cursor string) (*service.QueuePage, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	return &service.QueuePage{Items: []*service.QueueItem{testItem(siteID)}}, nil
}

func (f *fakeService) SetStoryOpen(ctx context.Context, siteID, storyID string, open bool) (*parley.AuditEntry, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	f.calls = append(f.calls, fmt.Sprintf("story %s open=%v", storyID, open))
	return &parley.AuditEntry{ID: 11, Action: parley.AuditStoryClosed}, nil
}

func (f *fakeService) Audit(ctx context.Context, q parley.AuditQuery) ([]*parley.AuditEntry, error) {
	if err := staff(ctx, q.SiteID); err != nil {
		return nil, err
	}
	return []*parley.AuditEntry{
		{ID: 7, SiteID: q.SiteID, Action: parley.AuditApproved, CommentID: "c1", ActorID: "mod", Before: "pending", After: "approved", CreatedAt: testNow},
		{ID: 6, SiteID: q.SiteID, Action: parley.AuditRejected, CommentID: "c2", Automated: true, Reason: parley.ReasonHate, Note: "=cmd()", CreatedAt: testNow},
		{ID: 5, SiteID: q.SiteID, Action: parley.AuditHeld, CommentID: "c3", Automated: true, Reason: "rule", Note: "rule/links: example.org", CreatedAt: testNow},
	}, nil
}

func (f *fakeService) WriteAuditCSV(ctx context.Context, w io.Writer, q parley.AuditQuery) error {
	if err := staff(ctx, q.SiteID); err != nil {
		return err
	}
	_, err := io.WriteString(w, "id,action\n7,comment.approved\n")
	return err
}

func (f *fakeService) Revisions(ctx context.Context, siteID, commentID string) ([]*parley.Revision, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	return []*parley.Revision{{N: 1, Body: "You fool, read this"}, {N: 2, Body: "You idiot, read this"}}, nil
}

// fakeWords is a word list service over one map.
type fakeWords struct{ lists map[string][]string }

func (f *fakeWords) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	return f.lists[list+"/"+lang], nil
}

func (f *fakeWords) AddWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	if err := staff(ctx, siteID); err != nil {
		return 0, err
	}
	f.lists[list+"/"+lang] = append(f.lists[list+"/"+lang], words...)
	return len(words), nil
}

func (f *fakeWords) RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	if err := staff(ctx, siteID); err != nil {
		return 0, err
	}
	return 1, nil
}

// The sessions of the tests: a token per kind of staff member.
var (
	tokModerator = "pss_" + strings.Repeat("m", 43)
	tokCommenter = "pss_" + strings.Repeat("c", 43)
	tokOther     = "pss_" + strings.Repeat("o", 43) // a moderator of the other site
	tokExpired   = "pss_" + strings.Repeat("x", 43)
	codes        = map[string]string{"psc_good": tokModerator}
)

type fakeSessions struct{}

func (fakeSessions) Actor(ctx context.Context, token string) (*parley.Actor, error) {
	switch token {
	case tokModerator:
		return &parley.Actor{User: &parley.User{ID: "mod", SiteID: "news", Name: "Mo"}, SiteID: "news", Role: parley.RoleModerator, Method: parley.MethodSession}, nil
	case tokCommenter:
		return &parley.Actor{User: &parley.User{ID: "u1", SiteID: "news", Name: "Lena"}, SiteID: "news", Role: parley.RoleCommenter, Method: parley.MethodSession}, nil
	case tokOther:
		return &parley.Actor{User: &parley.User{ID: "om", SiteID: "other", Name: "Olga"}, SiteID: "other", Role: parley.RoleModerator, Method: parley.MethodSession}, nil
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "expired").Keyed("sessionExpired")
}

// testUI is the UI over the fakes, with a browser's cookies.
type testUI struct {
	t    testing.TB
	svc  *fakeService
	h    http.Handler
	ui   *Admin
	jar  []*http.Cookie
	csrf string
}

func newTestUI(t testing.TB) *testUI {
	t.Helper()
	svc := &fakeService{}
	ui := New(svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})), Config{PublicURL: testURL, Sessions: fakeSessions{},
		Key: []byte(strings.Repeat("k", 32)), Bus: realtime.NewBus(), Words: &fakeWords{lists: map[string][]string{"banned/en": {"idiot"}}},
		Now: func() time.Time { return testNow }})
	mux := http.NewServeMux()
	ui.Register(mux)
	t.Cleanup(ui.Close)
	return &testUI{t: t, svc: svc, h: mux, ui: ui}
}

// signIn gives the browser the session token of site.
func (u *testUI) signIn(site, token string) {
	u.jar = append(u.jar, &http.Cookie{Name: u.ui.cookies.session, Value: encodeSessions(map[string]string{site: token})})
}

func encodeSessions(m map[string]string) string {
	rec := httptest.NewRecorder()
	newCookies(false).setSessions(rec, m)
	return rec.Result().Cookies()[0].Value
}

// get fetches path with the browser's cookies and keeps the ones it sets.
func (u *testUI) get(path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", testURL+path, nil)
	return u.do(r, header...)
}

// post sends a form as the browser would from our own page; header
// overrides what it sends.
func (u *testUI) post(path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", testURL+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", testURL)
	return u.do(r, header...)
}

func (u *testUI) do(r *http.Request, header ...string) *httptest.ResponseRecorder {
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	for _, c := range u.jar {
		r.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	u.h.ServeHTTP(rec, r)
	for _, c := range rec.Result().Cookies() {
		u.keep(c)
	}
	return rec
}

func (u *testUI) keep(c *http.Cookie) {
	for i, old := range u.jar {
		if old.Name == c.Name {
			u.jar = append(u.jar[:i], u.jar[i+1:]...)
			break
		}
	}
	if c.MaxAge >= 0 {
		u.jar = append(u.jar, c)
	}
	if c.Name == u.ui.cookies.secret {
		u.csrf = u.ui.csrf.token(c.Value)
	}
}

// form is a desk form with the browser's CSRF token.
func (u *testUI) form(kv ...string) url.Values {
	u.t.Helper()
	if u.csrf == "" {
		u.get("/admin/signin")
	}
	v := url.Values{"csrf": {u.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// sessionsOf reads the session cookie among cookies.
func (c cookies) sessionsOf(jar []*http.Cookie) map[string]string {
	r := httptest.NewRequest("GET", "/", nil)
	for _, ck := range jar {
		r.AddCookie(ck)
	}
	return c.sessions(r)
}
