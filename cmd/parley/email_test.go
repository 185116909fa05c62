package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
)

// TestEmailSignIn is the whole way of a reader who signs in by mail: the
// request, the mail as the SMTP server got it (in German, as asked), the
// link opened twice without being used, the button's post, the redirect
// back to the article with a code, the code exchanged for a session, and
// /me with that session. Using the link or the code again is refused.
func TestEmailSignIn(t *testing.T) {
	app := startMailApp(t, true)
	res, body := app.requestLink(t, "news", " Leser@Example.DE ", "de-AT", "https://news.example/artikel?id=7#kommentare")
	if res.StatusCode != http.StatusAccepted || strings.TrimSpace(body) != "{}" {
		t.Fatalf("request link = %d %s, want 202 {}", res.StatusCode, body)
	}
	m := app.nextMail(t)
	if m.To != "leser@example.de" || m.Subject != "Anmelden bei Die Zeitung" {
		t.Errorf("mail to %q with subject %q, want leser@example.de and a German subject naming the site", m.To, m.Subject)
	}
	for _, want := range []string{"15 Minuten", "ignorieren", "Die Zeitung"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the mail's text and HTML should say %q:\n%s\n%s", want, m.Text, m.HTML)
		}
	}
	if !strings.HasPrefix(m.Link, app.URL+"/signin/email?token=pel_") || !strings.Contains(m.HTML, `href="`+m.Link+`"`) {
		t.Errorf("link %q should start with the public URL and be in the HTML too", m.Link)
	}
	for range 2 { // a mail scanner, then the reader
		res, page := app.do(t, "GET", path(t, m.Link), nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "Bei Die Zeitung anmelden") || !strings.Contains(page, `<button type="submit">Anmelden</button>`) {
			t.Fatalf("GET link = %d, want the German page with one button:\n%s", res.StatusCode, page)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://news.example;") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP %q should let the form return to the article's origin, and stay strict", csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the sign-in page lacks the security headers or no-store: %v", res.Header)
		}
	}
	res, page := app.useLink(t, m.Link)
	ret, code, ok := strings.Cut(res.Header.Get("Location"), "#parley-code=")
	if res.StatusCode != http.StatusSeeOther || ret != "https://news.example/artikel?id=7" || !ok || !parley.WellFormedSignInCode(code) {
		t.Fatalf("POST link = %d Location %q; want 303 to the article with a code\n%s", res.StatusCode, res.Header.Get("Location"), page)
	}
	res, body = app.exchange(t, "news", code)
	var in signedInJSON
	if err := json.Unmarshal([]byte(body), &in); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("exchange = %d %s", res.StatusCode, body)
	}
	if !parley.WellFormedSessionToken(in.Session) || in.User.Name != "leser" || in.User.Role != "commenter" || in.User.Badges == nil || in.ExpiresAt.IsZero() {
		t.Errorf("signed in as %+v; want a session of commenter leser", in)
	}
	if status, role := app.me(t, "news", in.Session); status != http.StatusOK || role != "commenter" {
		t.Errorf("/me with the session = %d %q", status, role)
	}
	if res, page := app.useLink(t, m.Link); res.StatusCode != http.StatusGone || !strings.Contains(page, "funktioniert nicht mehr") || !strings.Contains(page, `href="https://news.example/artikel?id=7"`) {
		t.Errorf("the link used again = %d, want 410 in German with the way back:\n%s", res.StatusCode, page)
	}
	if res, body := app.exchange(t, "news", code); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"key":"signInCodeInvalid"`) {
		t.Errorf("the code used again = %d %s, want 401 signInCodeInvalid", res.StatusCode, body)
	}
	// the same address later is the same user
	if again := app.signInByMail(t, "news", "leser@example.de"); again == in.Session {
		t.Error("a second sign-in gave the same session")
	} else if res, body := app.do(t, "GET", "/api/v1/me?site=news", nil, "Authorization", "Bearer "+again); !strings.Contains(body, in.User.ID) {
		t.Errorf("a second sign-in of the address is another user: %d %s", res.StatusCode, body)
	}
}

// TestEmailSignInRefusals: every refusal has its status and key, and none
// sends mail.
func TestEmailSignInRefusals(t *testing.T) {
	app := startMailApp(t, true)
	off, err := app.store.Site(t.Context(), "other")
	if err != nil {
		t.Fatal(err)
	}
	off.EmailSignIn.Off = true
	if err := app.store.UpdateSite(t.Context(), off); err != nil {
		t.Fatal(err)
	}
	post := func(site, origin, body string) (*http.Response, string) {
		return app.do(t, "POST", "/api/v1/sites/"+site+"/auth/email", strings.NewReader(body), "Content-Type", "application/json", "Origin", origin)
	}
	cases := []struct {
		name, site, origin, body string
		status                   int
		key                      string
	}{
		{"malformed address", "news", "https://news.example", `{"email":"not an address"}`, 400, "emailInvalid"},
		{"display name", "news", "https://news.example", `{"email":"Eve <eve@example.org>"}`, 400, "emailInvalid"},
		{"no domain dot", "news", "https://news.example", `{"email":"eve@localhost"}`, 400, "emailInvalid"},
		{"too long", "news", "https://news.example", `{"email":"` + strings.Repeat("a", 250) + `@example.org"}`, 400, "emailInvalid"},
		{"not JSON", "news", "https://news.example", `email=a@b.example`, 400, ""},
		{"unknown field", "news", "https://news.example", `{"email":"a@b.example","x":1}`, 400, ""},
		{"unknown site", "nope", "https://news.example", `{"email":"a@b.example"}`, 404, ""},
		{"foreign origin", "news", "https://evil.example", `{"email":"a@b.example"}`, 403, "originNotAllowed"},
		{"turned off by the site", "other", "https://other.example", `{"email":"a@b.example"}`, 403, "emailSignInOff"},
	}
	for _, c := range cases {
		res, body := post(c.site, c.origin, c.body)
		if res.StatusCode != c.status || !strings.Contains(body, `"key":"`+c.key+`"`) && c.key != "" {
			t.Errorf("%s: %d %s; want %d with key %q", c.name, res.StatusCode, body, c.status, c.key)
		}
	}
	app.noMail(t)
	noMail := startMailApp(t, false)
	if res, body := noMail.requestLink(t, "news", "a@b.example", "", ""); res.StatusCode != 403 || !strings.Contains(body, `"key":"emailSignInOff"`) {
		t.Errorf("a server without --smtp-url: %d %s; want 403 emailSignInOff", res.StatusCode, body)
	}
	if res, body := app.exchange(t, "news", "psc_nope"); res.StatusCode != 401 || !strings.Contains(body, `"key":"signInCodeInvalid"`) {
		t.Errorf("a malformed code: %d %s", res.StatusCode, body)
	}
	if res, page := app.do(t, "GET", "/signin/email?token=pel_forged", nil); res.StatusCode != 400 || !strings.Contains(page, "no longer works") {
		t.Errorf("GET an unknown link = %d, want 400 and the page that says so:\n%s", res.StatusCode, page)
	}
}

// TestEmailNoEnumeration: an address that has an account and one that has
// not get the same answer, byte for byte, and a mail each.
func TestEmailNoEnumeration(t *testing.T) {
	app := startMailApp(t, true)
	app.signInByMail(t, "news", "known@example.org")
	known, knownBody := app.requestLink(t, "news", "known@example.org", "en", "")
	unknown, unknownBody := app.requestLink(t, "news", "stranger@example.org", "en", "")
	if known.StatusCode != unknown.StatusCode || knownBody != unknownBody || known.Header.Get("Content-Type") != unknown.Header.Get("Content-Type") {
		t.Errorf("known address: %d %q; unknown: %d %q; want the same", known.StatusCode, knownBody, unknown.StatusCode, unknownBody)
	}
	got := map[string]bool{app.nextMail(t).To: true, app.nextMail(t).To: true}
	if !got["known@example.org"] || !got["stranger@example.org"] {
		t.Errorf("mails went to %v, want one to each address", got)
	}
}

// TestEmailRateLimits: an address gets at most three links in 15 minutes
// whatever case it is typed in, then 429 with a Retry-After that ends when
// the oldest link leaves the window; a client gets five requests at once.
func TestEmailRateLimits(t *testing.T) {
	app := startMailApp(t, true)
	for i, addr := range []string{"ada@example.org", "ADA@example.org", "Ada@Example.org"} {
		if res, body := app.requestLink(t, "news", addr, "", ""); res.StatusCode != http.StatusAccepted {
			t.Fatalf("request %d: %d %s", i+1, res.StatusCode, body)
		}
		app.clock.Add(time.Minute)
	}
	res, body := app.requestLink(t, "news", "ada@example.org", "", "")
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `"key":"emailTooMany"`) || err != nil || retry != 12*60 {
		t.Fatalf("fourth link = %d Retry-After %q %s; want 429 emailTooMany, 720 s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	app.clock.Add(12 * time.Minute)
	if res, body := app.requestLink(t, "news", "ada@example.org", "", ""); res.StatusCode != http.StatusAccepted {
		t.Errorf("after Retry-After: %d %s", res.StatusCode, body)
	}
	for range 4 {
		app.nextMail(t)
	}
	app.noMail(t)

	clients := startMailApp(t, true)
	for i := range 5 {
		if res, body := clients.requestLink(t, "news", "reader"+strconv.Itoa(i)+"@example.org", "", ""); res.StatusCode != http.StatusAccepted {
			t.Fatalf("client request %d: %d %s", i+1, res.StatusCode, body)
		}
	}
	res, body = clients.requestLink(t, "news", "reader9@example.org", "", "")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `"key":"signInTooFast"`) || res.Header.Get("Retry-After") == "" {
		t.Errorf("sixth request of a client = %d Retry-After %q %s; want 429 signInTooFast", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

// TestEmailLinkExpires: after 15 minutes by the server's clock the link
// shows the page that says so, opened or posted, and signs nobody in.
func TestEmailLinkExpires(t *testing.T) {
	app := startMailApp(t, true)
	app.requestLink(t, "news", "late@example.org", "fr", "https://news.example/article")
	m := app.nextMail(t)
	if m.Subject != "Connexion à Die Zeitung" {
		t.Errorf("subject %q, want French", m.Subject)
	}
	app.clock.Add(parley.SignInLinkTTL)
	if res, page := app.do(t, "GET", path(t, m.Link), nil); res.StatusCode != http.StatusGone || !strings.Contains(page, "Demander un nouveau lien") || !strings.Contains(page, `href="https://news.example/article"`) {
		t.Errorf("GET an expired link = %d; want 410 in French with the way back:\n%s", res.StatusCode, page)
	}
	if res, _ := app.useLink(t, m.Link); res.StatusCode != http.StatusGone || res.Header.Get("Location") != "" {
		t.Errorf("POST an expired link = %d Location %q; want 410", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestEmailReturnValidation: a return URL off the site's origins is
// dropped when the link is made, so the link signs in on Parley's own page
// instead of redirecting anywhere; a relative one stays on Parley.
func TestEmailReturnValidation(t *testing.T) {
	app := startMailApp(t, true)
	// five, the burst of one client; embed's TestReturnChecker has the rest
	for _, ret := range []string{"https://evil.example/", "\t//evil.example", "javascript:alert(1)",
		"https://news.example.evil.example/", "http://news.example/"} {
		if res, body := app.requestLink(t, "news", "ret@example.org", "", ret); res.StatusCode != http.StatusAccepted {
			t.Fatalf("return %q: %d %s, want 202 (dropped, not refused)", ret, res.StatusCode, body)
		}
		res, page := app.useLink(t, app.nextMail(t).Link)
		if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" {
			t.Errorf("return %q: POST = %d Location %q; want the signed-in page on Parley", ret, res.StatusCode, res.Header.Get("Location"))
			continue
		}
		if s := keptSession(t, page); !parley.WellFormedSessionToken(s) {
			t.Errorf("return %q: the page keeps %q", ret, s)
		} else if status, _ := app.me(t, "news", s); status != http.StatusOK {
			t.Errorf("return %q: /me with the kept session = %d", ret, status)
		}
		app.clock.Add(6 * time.Minute) // past the limit per address
	}
}

// TestEmailLinkPostsOnce: two posts of one link at once sign in once; a
// post from another origin signs in nobody.
func TestEmailLinkPostsOnce(t *testing.T) {
	app := startMailApp(t, true)
	app.requestLink(t, "news", "twice@example.org", "", "https://news.example/a")
	link := app.nextMail(t).Link
	token := link[strings.Index(link, "pel_"):]
	for _, h := range [][]string{{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}, {"Origin", "null"}} {
		res, _ := app.do(t, "POST", "/signin/email", strings.NewReader("token="+token), "Content-Type", "application/x-www-form-urlencoded", h[0], h[1])
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST with %s: %s = %d, want 403", h[0], h[1], res.StatusCode)
		}
	}
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Go(func() {
			res, _ := app.useLink(t, link)
			statuses[i] = res.StatusCode
		})
	}
	wg.Wait()
	if !(statuses[0] == 303 && statuses[1] == 410 || statuses[0] == 410 && statuses[1] == 303) {
		t.Errorf("two posts of one link at once = %v, want one 303 and one 410", statuses)
	}
}
