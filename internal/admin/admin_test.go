package admin

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"parley"
)

// untranslated finds a catalog key that reached a page as it is.
var untranslated = regexp.MustCompile(`\badmin\.[a-z]+\.[A-Za-z.]+`)

// TestPagesRenderInEveryLanguage: every page renders in en, de, es and
// fr, from Accept-Language or the language switch, with no key left
// untranslated, nothing cached, and the comment's text escaped.
func TestPagesRenderInEveryLanguage(t *testing.T) {
	pages := []string{
		"/admin/sites/news", "/admin/sites/news?status=reported", "/admin/sites/news?story=budget&done=7",
		"/admin/sites/news/users/u1", "/admin/sites/news/audit", "/admin/sites/news/words?list=suspect&lang=de", "/admin/sites/news/settings",
		"/admin/signin", "/admin/signin?site=news", "/admin/signin/done?site=news",
	}
	words := map[string]string{"en": "Approve", "de": "Freigeben", "es": "Aprobar", "fr": "Approuver"}
	for lang, word := range words {
		u := newTestUI(t)
		u.signIn("news", tokModerator)
		for _, p := range pages {
			res := u.get(p, "Accept-Language", lang+";q=0.9, en;q=0.5")
			body := res.Body.String()
			switch {
			case res.Code != http.StatusOK:
				t.Errorf("%s %s: %d\n%s", lang, p, res.Code, body)
			case !strings.Contains(body, `<html lang="`+lang+`">`):
				t.Errorf("%s %s: not in %s", lang, p, lang)
			case untranslated.MatchString(body):
				t.Errorf("%s %s: untranslated %q", lang, p, untranslated.FindString(body))
			case res.Header().Get("Cache-Control") != "no-store":
				t.Errorf("%s %s: Cache-Control %q", lang, p, res.Header().Get("Cache-Control"))
			case strings.Contains(body, "Lena <b>") || strings.Contains(body, "<script>"):
				t.Errorf("%s %s: a name or note reached the page unescaped", lang, p)
			}
		}
		if body := u.get("/admin/sites/news", "Accept-Language", lang).Body.String(); !strings.Contains(body, word) {
			t.Errorf("%s: the queue does not say %q", lang, word)
		}
	}
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	if res := u.get("/admin/lang?to=fr&back=/admin/sites/news/audit"); res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/sites/news/audit" {
		t.Fatalf("language switch: %d to %q", res.Code, res.Header().Get("Location"))
	}
	if body := u.get("/admin/sites/news", "Accept-Language", "de").Body.String(); !strings.Contains(body, `<html lang="fr">`) {
		t.Error("the language picked in the switch does not win over Accept-Language")
	}
}

// TestQueueShowsWhy: an item shows its story, parent, the author at a
// glance, which word, rule and score held it, and its reports.
func TestQueueShowsWhy(t *testing.T) {
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	body := u.get("/admin/sites/news").Body.String()
	for _, want := range []string{"The budget", "In reply to Sam:", "The budget is fine.", "3 approved", "warned",
		"Suspect word “idiot”", "Rule: contains a link", "The local scorer: capital letters, score 0.82", "Abuse</strong> × 2", "rude",
		`<em>this</em>`, "999&#43;", "<del>fool, </del><ins>idiot, </ins>", `data-live="/admin/sites/news/events"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
}

// TestPostsNeedTokenAndOrigin: a desk form is refused (403) without the
// browser's CSRF token, with another browser's, from another origin, and
// without an Origin from anything but our own page; refused posts change
// nothing.
func TestPostsNeedTokenAndOrigin(t *testing.T) {
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	good := u.form("comment", "01jdn9xq6w0000000000000000", "action", "approve")
	forged := url.Values{"csrf": {"x"}, "comment": good["comment"], "action": good["action"]}
	other := newTestUI(t)
	stolen := other.form("comment", "01jdn9xq6w0000000000000000", "action", "approve")
	for name, c := range map[string]struct {
		form   url.Values
		header []string
	}{
		"no token":             {url.Values{"comment": good["comment"], "action": good["action"]}, nil},
		"wrong token":          {forged, nil},
		"another's token":      {stolen, nil},
		"foreign origin":       {good, []string{"Origin", "https://evil.example"}},
		"null origin":          {good, []string{"Origin", "null"}},
		"no origin cross-site": {good, []string{"Origin", "", "Sec-Fetch-Site", "cross-site"}},
		"no origin no fetch":   {good, []string{"Origin", ""}},
	} {
		res := u.post("/admin/sites/news/decisions", c.form, c.header...)
		if res.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.Code)
		}
	}
	if len(u.svc.calls) > 0 {
		t.Fatalf("refused posts reached the service: %q", u.svc.calls)
	}
	if res := u.post("/admin/sites/news/decisions", good, "Origin", "", "Sec-Fetch-Site", "same-origin"); res.Code != http.StatusSeeOther {
		t.Errorf("same-origin post without Origin: %d", res.Code)
	}
	res := u.post("/admin/sites/news/decisions", good)
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), testURL+"/admin/sites/news?done=7") {
		t.Errorf("approve: %d to %q", res.Code, res.Header().Get("Location"))
	}
	json := u.post("/admin/sites/news/decisions", good, "Accept", "application/json")
	if json.Code != http.StatusOK || !strings.Contains(json.Body.String(), `"undo":[7]`) {
		t.Errorf("approve from the script: %d %s", json.Code, json.Body)
	}
}

// TestOnlyModeratorsOfTheSite: a commenter is refused (403) on every
// page; a moderator of another site is sent to sign in and sees nothing
// of this one, even with a cookie that names their session for it; an
// ended session goes to the sign-in page and leaves the cookie.
func TestOnlyModeratorsOfTheSite(t *testing.T) {
	pages := []string{"/admin/sites/news", "/admin/sites/news/items", "/admin/sites/news/users/u1", "/admin/sites/news/audit",
		"/admin/sites/news/audit.csv", "/admin/sites/news/words", "/admin/sites/news/settings", "/admin/sites/news/events"}
	u := newTestUI(t)
	u.signIn("news", tokCommenter)
	for _, p := range pages {
		if res := u.get(p); res.Code != http.StatusForbidden || strings.Contains(res.Body.String(), "Lena <b>") || strings.Contains(res.Body.String(), "Lena &lt;b&gt;") {
			t.Errorf("commenter %s: %d", p, res.Code)
		}
	}
	if res := u.post("/admin/sites/news/decisions", u.form("comment", "01jdn9xq6w0000000000000000", "action", "approve")); res.Code != http.StatusForbidden {
		t.Errorf("commenter approves: %d", res.Code)
	}
	o := newTestUI(t)
	o.signIn("other", tokOther)
	for _, p := range pages {
		if res := o.get(p); res.Code != http.StatusSeeOther && res.Code != http.StatusUnauthorized {
			t.Errorf("other site's moderator %s: %d", p, res.Code)
		}
	}
	forged := newTestUI(t)
	forged.signIn("news", tokOther)
	for _, p := range pages {
		if res := forged.get(p); res.Code != http.StatusForbidden || strings.Contains(res.Body.String(), "budget") {
			t.Errorf("a session of another site named for this one, %s: %d", p, res.Code)
		}
	}
	gone := newTestUI(t)
	gone.signIn("news", tokExpired)
	res := gone.get("/admin/sites/news")
	if res.Code != http.StatusSeeOther || !strings.Contains(res.Header().Get("Location"), "/admin/signin?ended=1&site=news") {
		t.Errorf("ended session: %d to %q", res.Code, res.Header().Get("Location"))
	}
	for _, c := range res.Result().Cookies() {
		if c.Name == gone.ui.cookies.session && c.MaxAge >= 0 {
			t.Errorf("the ended session stays in the cookie: %v", c)
		}
	}
}

// TestNoServerErrorOnHostileInput: nothing a browser can send makes a
// page answer 500, and no "back" leads off our own pages.
func TestNoServerErrorOnHostileInput(t *testing.T) {
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	long := strings.Repeat("x", 5000)
	for _, p := range []string{
		"/admin/sites/news?status=../../etc", "/admin/sites/news?cursor=%27%20OR%201=1", "/admin/sites/news?q=" + long,
		"/admin/sites/news?story=%00", "/admin/sites/news?done=-1", "/admin/sites/news?done=abc",
		"/admin/sites/news/audit?from=yesterday", "/admin/sites/news/audit?before=-5", "/admin/sites/news/audit?q=" + long,
		"/admin/sites/news/words?list=%3Cscript%3E&lang=xx", "/admin/sites/news/users/%2e%2e", "/admin/sites/%00/audit",
		"/admin/sites/news/audit.csv?to=2026-13-45", "/admin/signin?site=%3Cscript%3E", "/admin/signin?site=" + long,
		"/admin/lang?to=xx&back=//evil.example", "/admin/static/../admin.go",
	} {
		res := u.get(p)
		if res.Code >= 500 {
			t.Errorf("GET %s: %d", p, res.Code)
		}
		if loc := res.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, testURL+"/admin") && !strings.HasPrefix(loc, "/admin/") {
			t.Errorf("GET %s leads to %q", p, loc)
		}
	}
	for _, f := range []url.Values{
		u.form("action", "reject", "comment", "01jdn9xq6w0000000000000000", "reason", "made-up"),
		u.form("action", "approve", "comment", "01jdn9xq6w0000000000000000", "back", "//evil.example/x"),
		u.form("action", "approve", "comment", "01jdn9xq6w0000000000000000", "back", "/admin/sites/news/../../x"),
		u.form("action", "approve", "comment", "01jdn9xq6w0000000000000000", "back", "/admin/sites/newsroom"),
		u.form("action", "approve", "comment", "01jdn9xq6w0000000000000000", "back", "/admin/sites/news\\@evil.example"),
	} {
		res := u.post("/admin/sites/news/decisions", f)
		if res.Code >= 500 {
			t.Errorf("POST %v: %d", f, res.Code)
		}
		if loc := res.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, testURL+"/admin/sites/news?") && loc != testURL+"/admin/sites/news" {
			t.Errorf("POST %v leads to %q", f, loc)
		}
	}
	for p, f := range map[string]url.Values{
		"/admin/sites/news/undo":               u.form("entry", "-1"),
		"/admin/sites/news/users/u1/sanctions": u.form("kind", "suspend", "days", "100000"),
		"/admin/session":                       u.form("site", "news", "session", "pss_nope"),
		"/admin/signin/email":                  u.form("site", "news", "email", "no"),
		"/admin/sites/news/words":              u.form("words", strings.Repeat("w\n", 6000)),
		"/admin/sites/news/stories/%00/open":   u.form("open", "maybe"),
	} {
		if res := u.post(p, f); res.Code >= 500 {
			t.Errorf("POST %s: %d", p, res.Code)
		}
	}
	huge := u.form("note", strings.Repeat("n", maxFormBody+1))
	if res := u.post("/admin/sites/news/users/u1/notes", huge); res.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a form over the limit: %d", res.Code)
	}
}

// TestSignIn: a link is asked for with a return to the desk's own page;
// its code and a session become the cookie only for a moderator of the
// site; signing out ends the session and empties the cookie.
func TestSignIn(t *testing.T) {
	u := newTestUI(t)
	if res := u.get("/admin"); res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/signin" {
		t.Fatalf("/admin without a session: %d to %q", res.Code, res.Header().Get("Location"))
	}
	res := u.post("/admin/signin/email", u.form("site", "news", "email", "boss@example.org"))
	if res.Code != http.StatusOK || len(u.svc.calls) != 1 || u.svc.calls[0] != "link news boss@example.org "+testURL+"/admin/signin/done?site=news" {
		t.Fatalf("link: %d %q", res.Code, u.svc.calls)
	}
	for range linkBurst - 1 {
		u.post("/admin/signin/email", u.form("site", "news", "email", "boss@example.org"))
	}
	if res := u.post("/admin/signin/email", u.form("site", "news", "email", "other@example.org")); res.Code != http.StatusTooManyRequests || res.Header().Get("Retry-After") == "" {
		t.Errorf("a client past its links: %d, Retry-After %q", res.Code, res.Header().Get("Retry-After"))
	}
	if res := u.post("/admin/session", u.form("site", "news", "code", "psc_bad")); res.Code != http.StatusUnauthorized {
		t.Errorf("a bad code: %d", res.Code)
	}
	if res := u.post("/admin/session", u.form("site", "news", "session", tokCommenter)); res.Code != http.StatusForbidden {
		t.Errorf("a commenter's session: %d", res.Code)
	}
	if res := u.post("/admin/session", u.form("site", "news", "session", tokOther)); res.Code != http.StatusForbidden {
		t.Errorf("another site's session: %d", res.Code)
	}
	if len(u.ui.cookies.sessionsOf(u.jar)) != 0 {
		t.Fatal("a refused session was kept")
	}
	res = u.post("/admin/session", u.form("site", "news", "code", "psc_good"))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/sites/news" {
		t.Fatalf("the link's code: %d to %q", res.Code, res.Header().Get("Location"))
	}
	for _, c := range res.Result().Cookies() {
		if c.Name == u.ui.cookies.session && (!c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/") {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", c)
		}
	}
	if res := u.get("/admin/sites/news"); res.Code != http.StatusOK {
		t.Fatalf("queue after signing in: %d", res.Code)
	}
	if res := u.post("/admin/sites/news/signout", u.form()); res.Code != http.StatusSeeOther || u.svc.calls[len(u.svc.calls)-1] != "signout news" {
		t.Fatalf("sign out: %d %q", res.Code, u.svc.calls)
	}
	if res := u.get("/admin/sites/news"); res.Code != http.StatusSeeOther {
		t.Errorf("queue after signing out: %d", res.Code)
	}
	if https := newCookies(true); https.session != "__Host-parley-admin" || !https.secure {
		t.Errorf("over https the cookies are %+v", https)
	}
}

// TestActions: each form reaches the service with what it says.
func TestActions(t *testing.T) {
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	id := "01jdn9xq6w0000000000000000"
	for path, f := range map[string]url.Values{
		"/admin/sites/news/decisions":           u.form("comment", id, "action", "reject", "reason", "hate_speech", "note", "n"),
		"/admin/sites/news/undo":                u.form("entry", "7"),
		"/admin/sites/news/users/u1/sanctions":  u.form("kind", "suspend", "days", "7", "reason", "spam"),
		"/admin/sites/news/users/u1/notes":      u.form("note", "watch out"),
		"/admin/sites/news/stories/budget/open": u.form("open", "false"),
	} {
		if res := u.post(path, f); res.Code != http.StatusSeeOther {
			t.Errorf("%s: %d %s", path, res.Code, res.Body)
		}
	}
	bulk := u.form("comment", id, "comment", "01jdn9xq6w0000000000000001", "action", "approve")
	if res := u.post("/admin/sites/news/decisions", bulk); res.Code != http.StatusSeeOther {
		t.Errorf("bulk approve: %d", res.Code)
	}
	want := []string{"decide reject [" + id + "] hate_speech n", "decide approve [" + id + " 01jdn9xq6w0000000000000001]  ", "undo 7", "sanction u1 suspend spam 168h0m0s", "note u1 watch out", "story budget open=false"}
	for _, w := range want {
		found := false
		for _, c := range u.svc.calls {
			found = found || c == w
		}
		if !found {
			t.Errorf("no call %q in %q", w, u.svc.calls)
		}
	}
	res := u.post("/admin/sites/news/words", u.form("list", "banned", "lang", "en", "words", "troll\n\n  scum  \n"))
	if res.Code != http.StatusSeeOther || !strings.Contains(res.Header().Get("Location"), "changed=2") {
		t.Errorf("add words: %d %q", res.Code, res.Header().Get("Location"))
	}
	if body := u.get("/admin/sites/news/words?list=banned&lang=en").Body.String(); !strings.Contains(body, "scum") {
		t.Errorf("the list does not show the new words")
	}
	csv := u.get("/admin/sites/news/audit.csv?action=comment.approved")
	if csv.Code != http.StatusOK || csv.Header().Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(csv.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV: %d %v", csv.Code, csv.Header())
	}
}

// TestLiveStream: a moderator's stream says hello, then passes on the
// site's queue changes and nothing of another site's.
func TestLiveStream(t *testing.T) {
	u := newTestUI(t)
	u.signIn("news", tokModerator)
	srv := httptest.NewServer(u.h)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/admin/sites/news/events", nil)
	for _, c := range u.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(res.Body)
	next := func() string {
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, "data: ") {
				return l
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return ""
	}
	if l := next(); !strings.Contains(l, "Live") {
		t.Fatalf("hello: %s", l)
	}
	u.ui.bus.Publish(t.Context(), parley.Event{Type: parley.EventQueueChanged, SiteID: "other", CommentID: "theirs"})
	u.ui.bus.Publish(t.Context(), parley.Event{Type: parley.EventQueueChanged, SiteID: "news", CommentID: "ours"})
	if l := next(); !strings.Contains(l, `"comment":"ours"`) {
		t.Errorf("first event: %s", l)
	}
}

// TestSitePicker: a browser with sessions of two sites it may moderate
// picks between them; one whose session ended is dropped; with one left,
// /admin opens its queue.
func TestSitePicker(t *testing.T) {
	u := newTestUI(t)
	u.jar = append(u.jar, &http.Cookie{Name: u.ui.cookies.session, Value: encodeSessions(map[string]string{"news": tokModerator, "other": tokOther, "gone": tokExpired})})
	res := u.get("/admin")
	body := res.Body.String()
	if res.Code != http.StatusOK || !strings.Contains(body, `href="/admin/sites/news"`) || !strings.Contains(body, `href="/admin/sites/other"`) || strings.Contains(body, "gone") {
		t.Fatalf("the picker: %d\n%s", res.Code, body)
	}
	if got := u.ui.cookies.sessionsOf(u.jar); len(got) != 2 {
		t.Errorf("the cookie keeps %v, want the two live sessions", got)
	}
	if body := u.get("/admin/sites/news").Body.String(); !strings.Contains(body, `href="/admin">`) {
		t.Error("the desk of one of two sites offers no way to the other")
	}
	one := newTestUI(t)
	one.signIn("news", tokModerator)
	if res := one.get("/admin"); res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/sites/news" {
		t.Errorf("one site: %d to %q", res.Code, res.Header().Get("Location"))
	}
}

// TestStaticFiles: the script and the stylesheet are served with their
// types, for a year under the version the pages name and revalidated
// without it; nothing else of the package is.
func TestStaticFiles(t *testing.T) {
	u := newTestUI(t)
	for name, typ := range map[string]string{"admin.js": "text/javascript", "signin.js": "text/javascript", "admin.css": "text/css"} {
		res := u.get("/admin/static/" + name + "?v=" + assetVersion)
		if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), typ) || !strings.Contains(res.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q %q", name, res.Code, res.Header().Get("Content-Type"), res.Header().Get("Cache-Control"))
		}
		if cc := u.get("/admin/static/" + name).Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s without the version: Cache-Control %q", name, cc)
		}
	}
	for _, p := range []string{"/admin/static/../admin.go", "/admin/static/admin.go", "/admin/static/templates/layout.html"} {
		if res := u.get(p); res.Code == http.StatusOK {
			t.Errorf("%s is served", p)
		}
	}
}
