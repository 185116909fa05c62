package embed_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/embed"
	"parley/internal/service"
)

// postPath is where the demo story's form posts.
const postPath = "/embed/demo/stories/demo-article/comments"

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postForm posts form to the block with the given headers ("Name: value").
func (w *world) postForm(t *testing.T, form url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", w.srv.URL+postPath, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// comments returns how many comments the demo story shows.
func (w *world) comments(t *testing.T) int {
	t.Helper()
	st, err := w.svc.StoryState(context.Background(), embed.DemoSite, embed.DemoStory)
	if err != nil {
		t.Fatal(err)
	}
	return st.CommentCount
}

// hostileReturns are return values (and Referers) that try to send the
// reader somewhere else after posting. The browser test in cmd/parley
// reads the same file.
func hostileReturns(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("testdata/hostile-returns.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

// resolveLikeBrowser reads a Location header the way WHATWG URL parsing
// does, independently of the code under test, as far as the origin goes.
func resolveLikeBrowser(t *testing.T, base *url.URL, loc string) *url.URL {
	t.Helper()
	s := strings.TrimFunc(loc, func(c rune) bool { return c <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	end := strings.IndexAny(s, "?#")
	if end < 0 {
		end = len(s)
	}
	s = strings.ReplaceAll(s[:end], `\`, "/") + s[end:]
	if m := regexp.MustCompile(`^(?i)(https?):/*`).FindStringSubmatch(s); m != nil {
		scheme := strings.ToLower(m[1])
		rest := s[len(m[0]):]
		if scheme == base.Scheme && !strings.HasPrefix(s[len(m[1])+1:], "/") {
			s = rest // "http:x" is relative to an http base
		} else {
			s = scheme + "://" + rest
		}
	} else if strings.HasPrefix(s, "//") {
		s = "//" + strings.TrimLeft(s, "/")
	}
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return base.ResolveReference(u)
}

func TestReturnURLStaysOnAllowedOrigins(t *testing.T) {
	w := newWorld(t)
	token := w.formToken(t)
	base, _ := url.Parse(w.srv.URL + postPath)
	allowed := map[string]bool{w.srv.URL: true, "https://news.example": true}
	for _, raw := range hostileReturns(t) {
		for _, via := range []string{"return", "Referer"} {
			form := url.Values{"body": {"Weiter so."}, "name": {"Rita"}, "token": {token}}
			var headers []string
			if via == "return" {
				form.Set("return", raw)
			} else if !strings.ContainsAny(raw, "\x00\r\n") {
				headers = append(headers, "Referer: "+raw)
			} else {
				continue // not a header value a client can send
			}
			resp, page := w.postForm(t, form, headers...)
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || loc == "" {
				t.Fatalf("%s %q: %d without Location: %s", via, raw, resp.StatusCode, page)
			}
			u := resolveLikeBrowser(t, base, loc)
			if origin := u.Scheme + "://" + u.Host; !allowed[origin] || u.User != nil {
				t.Errorf("%s %q: Location %q opens %s", via, raw, loc, u)
			}
			if !strings.HasPrefix(loc, "http://") && !strings.HasPrefix(loc, "https://") {
				t.Errorf("%s %q: Location %q is not absolute", via, raw, loc)
			}
			// The error page's way back is checked the same way.
			form.Set("body", "")
			_, page = w.postForm(t, form, headers...)
			m := regexp.MustCompile(`<a href="([^"]*)#parley-composer">`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("%s %q: error page without a way back:\n%s", via, raw, page)
			}
			back := resolveLikeBrowser(t, base, htmlUnescape(m[1]))
			if !allowed[back.Scheme+"://"+back.Host] {
				t.Errorf("%s %q: error page links back to %s", via, raw, back)
			}
		}
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
}

func TestReturnURLKeepsAllowedPages(t *testing.T) {
	w := newWorld(t)
	token := w.formToken(t)
	tests := map[string]string{
		"https://news.example/2026/rufbus?x=1":     "https://news.example/2026/rufbus?x=1#comment-",
		"HTTPS://NEWS.example:443/a":               "https://news.example/a#comment-",
		"/?sort=oldest":                            w.srv.URL + "/?sort=oldest#comment-",
		"/%255Cevil.example":                       w.srv.URL + "/%255Cevil.example#comment-",
		"/%2509/evil.example":                      w.srv.URL + "/%2509/evil.example#comment-",
		"\t/ok":                                    w.srv.URL + "/ok#comment-",
		"https://news.example/a?q=<b>":             "https://news.example/a?q=%3Cb%3E#comment-",
		"https://evil.example/":                    w.srv.URL + "/embed/demo/stories/demo-article#comment-",
		"https://news.example@evil.example/":       w.srv.URL + "/embed/demo/stories/demo-article#comment-",
		"https://evil.example\\@news.example/path": w.srv.URL + "/embed/demo/stories/demo-article#comment-",
	}
	for raw, want := range tests {
		resp, _ := w.postForm(t, url.Values{"body": {"Gut."}, "name": {"Rita"}, "token": {token}, "return": {raw}})
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, want) {
			t.Errorf("return %q: Location %q, want %q…", raw, loc, want)
		}
	}
}

func TestFormRefusesCrossSitePosts(t *testing.T) {
	w := newWorld(t)
	token := w.formToken(t)
	past := w.now.Add(-49 * time.Hour)
	expiredToken := w.tokenAt(t, past)
	future := w.tokenAt(t, w.now.Add(3*time.Hour))
	tests := []struct {
		name    string
		token   string
		headers []string
		status  int
	}{
		{"no headers: not a browser", token, nil, 303},
		{"own origin", token, []string{"Origin: " + w.srv.URL, "Sec-Fetch-Site: same-origin"}, 303},
		{"site's origin", token, []string{"Origin: https://news.example", "Sec-Fetch-Site: cross-site"}, 303},
		{"site's origin, other case", token, []string{"Origin: https://NEWS.example"}, 303},
		{"null origin", token, []string{"Origin: null"}, 403},
		{"null origin, cross-site", token, []string{"Origin: null", "Sec-Fetch-Site: cross-site"}, 403},
		{"foreign origin", token, []string{"Origin: https://evil.example"}, 403},
		{"look-alike origin", token, []string{"Origin: https://news.example.evil.example"}, 403},
		{"own host, other scheme", token, []string{"Origin: " + strings.Replace(w.srv.URL, "http:", "https:", 1)}, 403},
		{"cross-site without origin", token, []string{"Sec-Fetch-Site: cross-site"}, 403},
		{"same-site without origin", token, []string{"Sec-Fetch-Site: same-site"}, 403},
		{"same-origin without origin", token, []string{"Sec-Fetch-Site: same-origin"}, 303},
		{"no token", "", nil, 403},
		{"forged token", "492422.AAAAAAAAAAAAAAAAAAAAAAAA", nil, 403},
		{"garbage token", "x", nil, 403},
		{"token of another story", w.tokenFor(t, "other"), nil, 403},
		{"expired token", expiredToken, nil, 403},
		{"token from the future", future, nil, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.comments(t)
			form := url.Values{"body": {"Text von " + tt.name}, "name": {"Rita"}, "lang": {"de"}, "token": {tt.token}}
			resp, page := w.postForm(t, form, tt.headers...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, page)
			}
			after := w.comments(t)
			if tt.status != 303 {
				if after != before {
					t.Errorf("refused post was stored: %d comments, were %d", after, before)
				}
				for _, want := range []string{`<html lang="de">`, "Text von " + tt.name, "Ihr Text steht unten"} {
					if !strings.Contains(page, want) {
						t.Errorf("refusal page lacks %q:\n%s", want, page)
					}
				}
			} else if after != before+1 {
				t.Errorf("accepted post not stored: %d comments, were %d", after, before)
			}
		})
	}
}

// tokenAt returns the demo story's form token as a block whose clock says
// at would render it.
func (w *world) tokenAt(t *testing.T, at time.Time) string {
	t.Helper()
	h, _ := w.handler(slog.New(slog.DiscardHandler), func() time.Time { return at })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/embed/demo/stories/demo-article", nil))
	m := tokenRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no token in %s", rec.Body)
	}
	return m[1]
}

// tokenFor returns the form token of another story of the demo site.
func (w *world) tokenFor(t *testing.T, story string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(get(t, w.srv.URL+"/embed/demo/stories/"+story))
	if m == nil {
		t.Fatal("no token")
	}
	return m[1]
}

func TestFormBodyErrors(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"malformed escape", "lang=de&body=%zz", 400, "konnte nicht gelesen werden"},
		{"malformed escape in a later field", "lang=fr&body=x&name=%e", 400, "n’a pas pu être lu"},
		{"semicolon separator", "lang=es&body=x;name=y", 400, "no hemos podido leerlo"},
		{"over the limit", "lang=de&body=" + strings.Repeat("x", 70<<10), 413, "Ihr Kommentar ist zu lang."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", w.srv.URL+postPath, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", "de-DE,de;q=0.9")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(page), tt.want) {
				t.Errorf("status %d, want %d with %q:\n%s", resp.StatusCode, tt.status, tt.want, page)
			}
		})
	}
}

func TestReplyShowsOnlyApprovedCommentsOfTheStory(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	shown := w.post(t, "", "Sichtbar Siegfried", "Da")
	posted, err := w.svc.Post(ctx, service.NewComment{SiteID: embed.DemoSite, StoryID: embed.DemoStory, Body: "Weg", AuthorName: "Gelöscht Gisela"})
	if err != nil {
		t.Fatal(err)
	}
	gone := posted.Comment.ID
	w.post(t, gone, "Antwortende Anke", "Die Antwort hält den Platzhalter")
	author, err := w.tokens.Actor(ctx, posted.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Delete(parley.WithActor(ctx, author), gone); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.CreateSite(ctx, &parley.Site{ID: "other", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	foreign, err := w.svc.Post(ctx, service.NewComment{SiteID: "other", StoryID: embed.DemoStory, Body: "Fremd", AuthorName: "Fremde Frieda"})
	if err != nil {
		t.Fatal(err)
	}
	otherStory, err := w.svc.Post(ctx, service.NewComment{SiteID: embed.DemoSite, StoryID: "elsewhere", Body: "Anderswo", AuthorName: "Andere Anna"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		reply, name string
		shown       bool
	}{
		{shown, "Sichtbar Siegfried", true},
		{gone, "Gelöscht Gisela", false},
		{foreign.Comment.ID, "Fremde Frieda", false},
		{otherStory.Comment.ID, "Andere Anna", false},
		{"nope", "", false},
	}
	for _, tt := range tests {
		page := get(t, w.srv.URL+"/embed/demo/stories/demo-article?lang=de&reply="+url.QueryEscape(tt.reply))
		replying := strings.Contains(page, "Antwort an")
		if replying != tt.shown || (tt.name != "" && strings.Contains(page, tt.name) != tt.shown) {
			t.Errorf("reply=%s (%s): replying %v, want %v", tt.reply, tt.name, replying, tt.shown)
		}
		if !tt.shown && (!strings.Contains(page, "Diskutieren Sie mit") || strings.Contains(page, `name="parentId"`)) {
			t.Errorf("reply=%s: not the normal composer", tt.reply)
		}
	}
}

func TestForgedHostNeverReflected(t *testing.T) {
	w := newWorld(t)
	token := w.formToken(t)
	const forged = "evil.example"
	send := func(method, path string, body url.Values, headers ...string) (*http.Response, string) {
		var r io.Reader
		if body != nil {
			r = strings.NewReader(body.Encode())
		}
		req, _ := http.NewRequest(method, w.srv.URL+path, r)
		req.Host = forged
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	check := func(what string, resp *http.Response, page string) {
		t.Helper()
		for k, vs := range resp.Header {
			for _, v := range vs {
				if strings.Contains(v, forged) {
					t.Errorf("%s: header %s: %s reflects the Host header", what, k, v)
				}
			}
		}
		if strings.Contains(page, forged) {
			t.Errorf("%s: the page reflects the Host header:\n%s", what, page)
		}
	}
	fwd := []string{"X-Forwarded-Host: " + forged, "X-Forwarded-Proto: https", "Forwarded: host=" + forged}
	resp, page := send("GET", "/embed/demo/stories/demo-article?lang=de", nil, fwd...)
	check("fragment", resp, page)
	if !strings.Contains(page, `action="`+w.srv.URL+postPath+`"`) {
		t.Errorf("fragment's form does not post to the public URL:\n%s", page)
	}
	resp, page = send("GET", "/", nil, fwd...)
	check("demo page", resp, page)
	if !strings.Contains(page, `<link rel="canonical" href="`+w.srv.URL+`/">`) {
		t.Errorf("demo page's canonical link is not the public URL:\n%s", page)
	}
	for _, ret := range []string{"", "/", "http://" + forged + "/", "//" + forged} {
		form := url.Values{"body": {"Host"}, "name": {"Rita"}, "token": {token}, "return": {ret}}
		resp, page = send("POST", postPath, form, append(fwd, "Origin: http://"+forged, "Referer: http://"+forged+"/")...)
		check("post from the forged origin", resp, page)
		resp, page = send("POST", postPath, form, append(fwd, "Referer: http://"+forged+"/")...)
		check("post", resp, page)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("post: %d", resp.StatusCode)
		}
		form.Set("body", "")
		resp, page = send("POST", postPath, form, fwd...)
		check("error page", resp, page)
	}
}

// TestFragmentPageStaysOnAllowedOrigins: the fragment's page= becomes its
// links, its sort form's action and its form's way back, on Parley's own
// origin in a cacheable response. A crafted page= must not make any of
// them lead to another site; an allowed page is kept.
func TestFragmentPageStaysOnAllowedOrigins(t *testing.T) {
	w := newWorld(t)
	id := w.post(t, "", "Rita", "Gut.")
	base, _ := url.Parse(w.srv.URL + "/embed/demo/stories/demo-article")
	allowed := map[string]bool{w.srv.URL: true, "https://news.example": true}
	attrs := regexp.MustCompile(`(?:href|action|value)="([^"]*)"`)
	for _, raw := range append(hostileReturns(t), "javascript:alert(1)", "data:text/html,x") {
		page := get(t, base.String()+"?"+url.Values{"page": {raw}, "reply": {id}}.Encode())
		for _, m := range attrs.FindAllStringSubmatch(page, -1) {
			v := htmlUnescape(m[1])
			if !strings.ContainsAny(v, "/:?#") {
				continue // a plain value such as a token or a language
			}
			u := resolveLikeBrowser(t, base, v)
			if u.Scheme != "http" && u.Scheme != "https" || !allowed[u.Scheme+"://"+u.Host] {
				t.Errorf("page %q: the fragment links to %q (%s)", raw, v, u)
			}
		}
	}
	page := get(t, base.String()+"?page="+url.QueryEscape("https://news.example/2026/rufbus"))
	if !strings.Contains(page, `name="return" value="https://news.example/2026/rufbus"`) {
		t.Errorf("an allowed page is not kept:\n%s", page)
	}
}

// TestFragmentLinksKeepThePageQuery: on a page whose address has a query
// (WordPress's ?p=123), the block's links and its sort form must keep it,
// or they lead to another page of the publisher's site.
func TestFragmentLinksKeepThePageQuery(t *testing.T) {
	w := newWorld(t)
	w.post(t, "", "Rita", "Gut.")
	const article = "https://news.example/index.php?p=123"
	page := get(t, w.srv.URL+"/embed/demo/stories/demo-article?page="+url.QueryEscape(article+"&sort=top"))
	links := regexp.MustCompile(`href="(https://news\.example[^"#]*)`).FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Fatalf("no links to the page:\n%s", page)
	}
	for _, m := range links {
		u, err := url.Parse(htmlUnescape(m[1]))
		if err != nil || u.Path != "/index.php" || u.Query().Get("p") != "123" || strings.Count(m[1], "?") != 1 {
			t.Errorf("link %q does not keep the page's query p=123", m[1])
		}
	}
	if !strings.Contains(page, `<input type="hidden" name="p" value="123">`) {
		t.Errorf("the sort form (a GET form, which drops its action's query) does not repeat p=123:\n%s", page)
	}
}
