package main

// Browser tests of the reader's account in the widget: publisher SSO from
// the page (attribute and callback), the account bar and staff badges, the
// profile and the sign-in panel by keyboard and under axe, signing out,
// and a refused session.

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/golang-jwt/jwt/v5"

	"parley"
	"parley/internal/embed"
	"parley/internal/i18n"
)

// ssoSecret is the demo site's HS256 key in these tests.
var ssoSecret = strings.Repeat("s", 40)

// ssoTmpl is a publisher's page that signs its reader in: with ?token= as
// the element's token attribute, or with ?callback=1 through
// window.Parley.getToken, which hands out ?token= each time it is asked;
// ?login= is its login-url.
var ssoTmpl = template.Must(template.New("sso").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>SSO ({{.Lang}})</title></head>
<body><main><h1>SSO</h1>
{{if .Callback}}<script>window.Parley = {asked: 0, getToken: async () => (window.Parley.asked++, {{.Token}})};</script>
<parley-discussion site="demo" story="sso"></parley-discussion>{{else}}<parley-discussion site="demo" story="sso"{{with .Token}} token="{{.}}"{{end}}{{with .Login}} login-url="{{.}}"{{end}}></parley-discussion>{{end}}
<script src="/embed.js" async></script></main></body></html>`))

var ssoPage = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	ssoTmpl.Execute(w, map[string]any{"Lang": q.Get("lang"), "Token": q.Get("token"), "Callback": q.Get("callback") != "", "Login": q.Get("login")})
})

// startAccountApp serves a demo site that takes anonymous comments and
// SSO tokens (roles honoured), on a server with mail, so that the panel
// offers an e-mail link.
func startAccountApp(t *testing.T) *testApp {
	t.Helper()
	return startTestAppWith(t, ssoDemo(), handlerConfig{Mail: true}, privacyStandIns())
}

// ssoDemo is the demo site with SSO, roles honoured.
func ssoDemo() *parley.Site {
	return &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true,
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength,
		SSO: parley.SSO{Secrets: []parley.SSOSecret{{KID: "k1", Secret: ssoSecret}}, Roles: true}}
}

// privacyStandIns answer the profile's and the panel's calls as the
// contracts of the privacy and e-mail branches say: one comment, an
// account without e-mail, deleting answered 204, and e-mail links refused
// once as too many (Retry-After two minutes), then accepted.
func privacyStandIns() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/v1/sites/demo/me/comments": jsonAnswer(200, `{"comments":[{"id":"c1","storyId":"rufbus","storyTitle":"Der Rufbus kommt",`+
			`"storyUrl":"https://news.example/rufbus","html":"<p>Endlich!</p>","status":"approved","createdAt":"2026-11-30T10:00:00.000Z"}],"nextCursor":""}`),
		"GET /api/v1/sites/demo/me/notifications": jsonAnswer(200, `{"replies":false,"email":false}`),
		"DELETE /api/v1/sites/demo/me":            jsonAnswer(204, ""),
		"POST /api/v1/sites/demo/auth/email":      emailStandIn(),
	}
}

func jsonAnswer(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
}

// emailStandIn refuses the first request as too many and accepts the rest.
func emailStandIn() http.Handler {
	var mu sync.Mutex
	calls := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "120")
			jsonAnswer(429, `{"error":{"code":"too_many_requests","message":"Too many.","key":"emailRateLimited"}}`).ServeHTTP(w, r)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}

// mintSSO signs a token for the demo site: sub, name, role and badges.
func mintSSO(t *testing.T, sub, name, role string, badges ...string) string {
	t.Helper()
	c := jwt.MapClaims{"sub": sub, "name": name, "aud": "demo", "exp": time.Now().Add(5 * time.Minute).Unix(), "badges": badges}
	if role != "" {
		c["role"] = role
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString([]byte(ssoSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dialogJS finds the open dialog in the block.
const dialogJS = "root.querySelector('dialog[open]')"

// TestBrowserSSOAccount: a page's token signs the reader in as staff; the
// bar and their new comment show the role and badges, in the page's
// language, and so does the thread's JSON. The profile opens, is moved
// through and closed by keyboard alone, passes axe, and signs out.
func TestBrowserSSOAccount(t *testing.T) {
	axe := axeSource(t)
	app := startAccountApp(t)
	b := newTab(t, "sso")
	de := german

	b.open(app.URL + "/sso?lang=de&token=" + mintSSO(t, "u-1", "Mara", "staff", "Abonnentin"))
	b.waitFor("the account bar", "blockText().includes("+jsString(de.T("account.signedInAs", "Mara"))+")")
	b.expect("the staff badge in the bar", "all('.acct .bdg').map(named).join('|') == "+jsString(de.T("badge.staff")+"|Abonnentin"))
	if evalJS[bool](b, "!!"+topName) {
		t.Errorf("a signed-in reader is asked for a name%s", b.diagnose())
	}
	if !evalJS[bool](b, "localStorage.getItem('parley:session:demo').startsWith('pss_')") {
		t.Errorf("no session in localStorage%s", b.diagnose())
	}
	body := "Die Redaktion meldet sich zu Wort"
	b.fill("the comment field", topBody, body)
	b.click("the submit button", topSend)
	b.waitFor("the new comment with its badges", commentJS(body)+" && [...comment("+jsString(body)+").querySelectorAll('.bdg')].map(named).join('|') == "+jsString(de.T("badge.staff")+"|Abonnentin"))
	th := app.apiGetThread(t, "sso")
	if len(th.Comments) != 1 || th.Comments[0].Author == nil {
		t.Fatalf("thread: %+v", th)
	}

	profile := "button(" + jsString(de.T("account.profile")) + ")"
	b.tabTo("the profile button", "focused() === "+profile)
	b.typeText(kb.Enter)
	b.waitFor("the profile dialog with focus inside", dialogJS+" && "+dialogJS+".contains(focused())")
	b.waitFor("my comment, linked to its story", dialogJS+".querySelector('a[href=\"https://news.example/rufbus#parley\"]')")
	replies := "field(" + jsString(de.T("profile.replies")) + ", " + dialogJS + ")"
	b.waitFor("the notification switch, off and explained", replies+" && "+replies+".disabled && named(root.getElementById("+replies+".getAttribute('aria-describedby'))) == "+jsString(de.T("profile.noEmail")))
	decisions := "field(" + jsString(de.T("profile.decisions")) + ", " + dialogJS + ")"
	b.waitFor("the decision mail switch, off and explained", decisions+" && "+decisions+".disabled && !"+decisions+".checked && named(root.getElementById("+decisions+".getAttribute('aria-describedby'))) == "+jsString(de.T("profile.noEmail")))
	b.checkAxe("profile (de)", axe)
	checkNoEnglish(t, b, "de")
	signOut := "button(" + jsString(de.T("profile.signOut")) + ", " + dialogJS + ")"
	b.tabTo("sign out, inside the dialog", "focused() === "+signOut)
	b.typeText(kb.Escape)
	b.waitFor("the dialog closed and focus back on its button", "!"+dialogJS+" && focused() === "+profile)

	b.typeText(kb.Enter)
	b.waitFor("the profile again, loaded", dialogJS+" && "+replies)
	b.click("sign out", signOut)
	b.waitFor("the signed-out block", "!"+dialogJS+" && !localStorage.getItem('parley:session:demo') && blockText().includes("+jsString(de.T("profile.signedOut"))+")")
	if evalJS[bool](b, "!!"+profile) {
		t.Errorf("the profile button stays after signing out%s", b.diagnose())
	}

	b.open(app.URL + "/sso?lang=de&token=" + mintSSO(t, "u-1", "Mara", "staff"))
	b.click("the profile button", profile)
	confirm := "button(" + jsString(de.T("profile.deleteConfirm")) + ", " + dialogJS + ")"
	b.waitFor("the profile's sections loaded, so that nothing moves under the mouse", replies)
	b.click("delete my account", "button("+jsString(de.T("profile.delete"))+", "+dialogJS+")")
	b.waitFor("the confirmation step, its button disabled", confirm+" && "+confirm+".disabled")
	b.click("the box that says I understand", "field("+jsString(de.T("profile.deleteUnderstood"))+", "+dialogJS+")")
	b.click("the confirmation", confirm)
	b.waitFor("signed out after deleting", "!"+dialogJS+" && !localStorage.getItem('parley:session:demo') && blockText().includes("+jsString(de.T("profile.deleted"))+")")
}

// TestBrowserSignInPanel: on a site with an e-mail link, a signed-out
// reader opens the panel by keyboard, in French and in Spanish; focus is in
// the dialog, axe finds nothing, Escape closes it and focus returns. An
// e-mail link's #parley-code is taken off the address at once and sent;
// an unknown one is refused in the account bundle's words.
// A refused session signs the reader out, and with SSO the page's callback
// is asked for a new token.
func TestBrowserSignInPanel(t *testing.T) {
	axe := axeSource(t)
	app := startAccountApp(t)
	b := newTab(t, "panel")
	for _, lang := range []string{"fr", "es"} {
		p := i18n.For(lang)
		signIn := "button(" + jsString(p.T("account.signIn")) + ")"
		b.open(app.URL + "/" + lang)
		b.tabTo("the sign-in button", "focused() === "+signIn)
		b.typeText(kb.Enter)
		email := "field(" + jsString(p.T("signin.email")) + ", " + dialogJS + ")"
		b.waitFor("the panel, its e-mail field focused", dialogJS+" && focused() === "+email)
		if evalJS[bool](b, "!!button("+jsString(p.T("signin.passkey"))+", "+dialogJS+")") {
			t.Errorf("%s: a passkey button on a site without passkeys%s", lang, b.diagnose())
		}
		b.checkAxe("sign-in panel ("+lang+")", axe)
		checkNoEnglish(t, b, lang)
		b.typeText(kb.Tab)
		b.waitFor("the send button", "focused() === button("+jsString(p.T("signin.sendLink"))+", "+dialogJS+")")
		b.typeText(kb.Escape)
		b.waitFor("the panel closed, focus back", "!"+dialogJS+" && focused() === "+signIn)
	}

	fr := i18n.For("fr")
	b.open(app.URL + "/fr")
	b.click("Se connecter", "button("+jsString(fr.T("account.signIn"))+")")
	email := "field(" + jsString(fr.T("signin.email")) + ", " + dialogJS + ")"
	send := "button(" + jsString(fr.T("signin.sendLink")) + ", " + dialogJS + ")"
	b.fill("the e-mail field", email, "lea@example.org")
	b.click("send", send)
	b.waitFor("too many requests, in minutes", "blockText().includes("+jsString(fr.N("signin.wait", 2))+")")
	b.click("send again", send)
	b.waitFor("check your inbox", "blockText().includes("+jsString(fr.T("signin.sent"))+")")

	mark := app.log.mark()
	b.open(app.URL + "/es#parley-code=abc123") // another page: a new fragment alone would not load one
	b.waitFor("the code gone from the address", "location.hash === ''")
	app.waitRequest(t, mark, "panel", "POST /api/v1/sites/demo/auth/code")
	b.waitFor("the unknown code refused in words of the account bundle", "blockText().includes("+jsString(i18n.For("es").T("error.signInCodeInvalid"))+")")

	// OIDC in a popup, on a site that offers it.
	oidc := startTestAppWith(t, nil, handlerConfig{}, oidcStandIns())
	mark = oidc.log.mark()
	b.open(oidc.URL + "/fr")
	b.click("Se connecter", "button("+jsString(fr.T("account.signIn"))+")")
	b.click("Se connecter avec Example ID", "button("+jsString(fr.T("signin.oidc", "Example ID"))+", "+dialogJS+")")
	b.waitFor("signed in by the popup's answer", "!"+dialogJS+" && blockText().includes("+jsString(fr.T("account.signedInAs", "Olga"))+") && localStorage.getItem('parley:session:demo') == 'pss_oidc'")
	oidc.waitRequest(t, mark, "panel", "GET /auth/oidc/start")
	for _, r := range oidc.log.since(mark, "panel") {
		if r.Path == "/auth/oidc/start" && r.Query != "site=demo&origin="+url.QueryEscape(oidc.URL)+"&lang=fr" {
			t.Errorf("the popup opened %s", r)
		}
	}

	// SSO alone, without mail: no panel, the publisher's login-url instead.
	ssoOnly := startTestAppWith(t, ssoDemo(), handlerConfig{}, nil)
	b.open(ssoOnly.URL + "/sso?lang=de&login=https://pub.example/login")
	b.waitFor("the publisher's login as the only way to sign in", "all('.acct a').map((a) => a.href + ' ' + named(a)).join() == "+
		jsString("https://pub.example/login "+german.T("account.signIn"))+" && !all('.acct button').length")

	// A session the server refuses: the callback is asked again.
	b.do("a refused session", chromedp.Evaluate[chromedp.Void]("localStorage.setItem('parley:session:demo', 'pss_gone')"))
	b.open(app.URL + "/sso?lang=de&callback=1&token=" + mintSSO(t, "u-2", "Jonas", ""))
	b.waitFor("signed in again through the callback", "blockText().includes("+jsString(german.T("account.signedInAs", "Jonas"))+") && window.Parley.asked == 1")
	if evalJS[bool](b, "localStorage.getItem('parley:session:demo') == 'pss_gone'") {
		t.Errorf("the refused session was kept%s", b.diagnose())
	}
}

// oidcStandIns play the OIDC branch's part: the site offers a provider,
// and its start page answers the opener at once, first with a message of
// another type, which the widget must ignore, then with a sign-in.
func oidcStandIns() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/v1/sites/demo/auth": jsonAnswer(200, `{"anonymous":true,"sso":false,"email":false,"oidc":{"name":"Example ID"},"passkey":false}`),
		"GET /auth/oidc/start": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!doctype html><title>OIDC</title><script>
const to = new URLSearchParams(location.search).get("origin");
opener.postMessage({type: "other", session: "pss_wrong", user: {id: "x", name: "Wrong", role: "commenter", badges: []}}, to);
opener.postMessage({type: "parley:signin", session: "pss_oidc", expiresAt: "2027-01-01T00:00:00Z",
	user: {id: "u9", name: "Olga", role: "commenter", badges: []}}, to);
window.close();
</script>`))
		}),
	}
}

// waitRequest waits until agent has sent want ("METHOD /path") since mark.
func (a *testApp) waitRequest(t *testing.T, mark int, agent, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, r := range a.log.since(mark, agent) {
			if r.Method+" "+r.Path == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s from %s; its requests: %v", want, agent, a.log.since(mark, agent))
		}
		<-tick.C
	}
}
