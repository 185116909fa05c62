package main

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// adminBrowser is a browser on the moderator UI: a cookie jar, no
// redirects followed, and our own origin on every post.
type adminBrowser struct {
	t      *testing.T
	app    *mailApp
	client *http.Client
}

func newAdminBrowser(t *testing.T, app *mailApp) *adminBrowser {
	jar, _ := cookiejar.New(nil)
	return &adminBrowser{t: t, app: app, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *adminBrowser) send(method, path string, form url.Values, headers ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.app.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.app.URL)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token of a page the browser opens.
func (b *adminBrowser) csrf(path string) string {
	b.t.Helper()
	_, page := b.send("GET", path, nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no form token on %s:\n%s", path, page)
	}
	return html.UnescapeString(m[1])
}

// signIn goes through the e-mail sign-in of the UI for address on site
// and returns the answer to posting the link's code.
func (b *adminBrowser) signIn(site, address string) (*http.Response, string) {
	b.t.Helper()
	token := b.csrf("/admin/signin?site=" + site)
	if res, page := b.send("POST", "/admin/signin/email", url.Values{"csrf": {token}, "site": {site}, "email": {address}}); res.StatusCode != http.StatusOK {
		b.t.Fatalf("ask for a link: %d\n%s", res.StatusCode, page)
	}
	res, _ := b.app.useLink(b.t, b.app.nextMail(b.t).Link)
	loc := res.Header.Get("Location")
	back, code, ok := strings.Cut(loc, "#parley-code=")
	if res.StatusCode != http.StatusSeeOther || !ok || back != b.app.URL+"/admin/signin/done?site="+site {
		b.t.Fatalf("the link leads to %d %q, want the desk's sign-in page with a code", res.StatusCode, loc)
	}
	token = b.csrf("/admin/signin/done?site=" + site)
	return b.send("POST", "/admin/session", url.Values{"csrf": {token}, "site": {site}, "code": {code}})
}

// TestAdminSignInByMail: over the real service and store, a moderator
// signs in to the desk with a mailed link and sees the site's queue, in
// pages with the strict headers; a commenter's sign-in is refused and
// keeps no cookie; the site they do not moderate sends them to sign in.
func TestAdminSignInByMail(t *testing.T) {
	app := startMailApp(t, true)
	if out, err := app.cli(t, "user", "grant", "--site", "news", "--email", "mod@news.example", "--role", "moderator"); err != nil {
		t.Fatalf("grant: %v %s", err, out)
	}
	reader := newAdminBrowser(t, app)
	if res, page := reader.signIn("news", "reader@news.example"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a commenter signs in to the desk: %d\n%s", res.StatusCode, page)
	}
	if res, _ := reader.send("GET", "/admin/sites/news", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a refused commenter reaches the queue: %d", res.StatusCode)
	}

	mod := newAdminBrowser(t, app)
	res, page := mod.signIn("news", "mod@news.example")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != app.URL+"/admin/sites/news" {
		t.Fatalf("the moderator signs in: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), page)
	}
	res, page = mod.send("GET", "/admin/sites/news", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `data-live="/admin/sites/news/events"`) {
		t.Fatalf("the queue: %d\n%s", res.StatusCode, page)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy %q lacks %q or allows inline code", csp, want)
		}
	}
	if res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers of the queue: %v", res.Header)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") {
		t.Error("the queue holds an inline script or style")
	}
	if res, _ := mod.send("GET", "/admin/sites/other", nil); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), app.URL+"/admin/signin?site=other") {
		t.Errorf("another site's queue: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := mod.send("GET", "/admin/sites/news/audit", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the audit log: %d", res.StatusCode)
	}
	token := mod.csrf("/admin/sites/news")
	if res, _ := mod.send("POST", "/admin/sites/news/signout", url.Values{"csrf": {token}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	if res, _ := mod.send("GET", "/admin/sites/news", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the queue after signing out: %d", res.StatusCode)
	}
}

// TestAdminRevokedRole: a moderator whose role is taken loses the desk
// on their next request, with the session they still hold.
func TestAdminRevokedRole(t *testing.T) {
	app := startMailApp(t, true)
	if out, err := app.cli(t, "user", "grant", "--site", "news", "--email", "mod@news.example", "--role", "moderator"); err != nil {
		t.Fatalf("grant: %v %s", err, out)
	}
	mod := newAdminBrowser(t, app)
	if res, _ := mod.signIn("news", "mod@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	if out, err := app.cli(t, "user", "revoke", "--site", "news", "--email", "mod@news.example"); err != nil {
		t.Fatalf("revoke: %v %s", err, out)
	}
	for _, p := range []string{"/admin/sites/news", "/admin/sites/news/audit", "/admin/sites/news/events"} {
		if res, page := mod.send("GET", p, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s after the role was taken: %d\n%s", p, res.StatusCode, page)
		}
	}
}

// TestAdminHostileInput: over the real service, nothing a moderator's
// browser sends to the desk makes it answer 500.
func TestAdminHostileInput(t *testing.T) {
	app := startMailApp(t, true)
	if out, err := app.cli(t, "user", "grant", "--site", "news", "--email", "mod@news.example", "--role", "moderator"); err != nil {
		t.Fatalf("grant: %v %s", err, out)
	}
	mod := newAdminBrowser(t, app)
	if res, _ := mod.signIn("news", "mod@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	long := strings.Repeat("x", 3000)
	for _, p := range []string{
		"/admin/sites/news?status=nope", "/admin/sites/news?cursor=zzz", "/admin/sites/news?story=%00", "/admin/sites/news?story=" + long,
		"/admin/sites/news?q=" + long, "/admin/sites/news?author=%27--&ip=%3Cb%3E", "/admin/sites/news?done=99999999999",
		"/admin/sites/news/items?status=rejected&cursor=%ff", "/admin/sites/news/users/nobody", "/admin/sites/news/users/" + long,
		"/admin/sites/news/users/nobody?cursor=x", "/admin/sites/news/audit?action=%00&before=1&q=%25_", "/admin/sites/news/audit?from=2026-02-30",
		"/admin/sites/news/audit.csv?user=" + long, "/admin/sites/news/words?list=banned&lang=zz", "/admin/sites/news/words?list=x",
	} {
		if res, page := mod.send("GET", p, nil); res.StatusCode >= 500 {
			t.Errorf("GET %.80s: %d\n%.300s", p, res.StatusCode, page)
		}
	}
	token := mod.csrf("/admin/sites/news")
	for p, f := range map[string]url.Values{
		"/admin/sites/news/decisions":              {"action": {"approve"}, "comment": {"nope"}},
		"/admin/sites/news/decisions?bulk":         {"action": {"reject"}, "comment": strings.Split(strings.Repeat("a,", 150), ","), "reason": {"spam"}},
		"/admin/sites/news/undo":                   {"entry": {"123456"}},
		"/admin/sites/news/users/nobody/sanctions": {"kind": {"ban"}, "reason": {"spam"}},
		"/admin/sites/news/users/nobody/notes":     {"note": {long + long}},
		"/admin/sites/news/stories/nostory/open":   {"open": {"false"}},
		"/admin/sites/news/stories/%00/open":       {"open": {"true"}},
		"/admin/sites/news/words":                  {"list": {"banned"}, "lang": {"de"}, "words": {"\x00\n" + long}},
		"/admin/sites/news/words?remove":           {"list": {"suspect"}, "lang": {"fr"}, "remove": {"never-there"}},
	} {
		f.Set("csrf", token)
		if res, page := mod.send("POST", p, f); res.StatusCode >= 500 {
			t.Errorf("POST %s: %d\n%.300s", p, res.StatusCode, page)
		}
	}
}
