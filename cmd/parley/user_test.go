package main

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// cli runs parley with args on the app's database and returns stdout.
func (a *mailApp) cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"PARLEY_DATABASE": a.dsn, "PARLEY_PUBLIC_URL": a.URL}[k]
	}
	err := run(t.Context(), args, getenv, &stdout, &stderr)
	return stdout.String(), err
}

var printedLink = regexp.MustCompile(`(?m)^(https?://\S+/signin/email\?token=pel_\S+)$`)

// TestAdminBootstrap: the printed link signs the new admin in on Parley's
// own page, which keeps the session; /me says admin. A second admin needs
// --force; the same admin may ask for a new link.
func TestAdminBootstrap(t *testing.T) {
	app := startMailApp(t, false) // no mail server: the link is printed
	out, err := app.cli(t, "admin", "bootstrap", "--site", "news", "--email", "Boss@Example.org")
	if err != nil {
		t.Fatalf("admin bootstrap: %v", err)
	}
	m := printedLink.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "commenter -> admin") || !strings.HasPrefix(m[1], app.URL+"/signin/email?") {
		t.Fatalf("admin bootstrap printed:\n%s", out)
	}
	if res, page := app.do(t, "GET", path(t, m[1]), nil); res.StatusCode != http.StatusOK || !strings.Contains(page, "Sign in to Die Zeitung") {
		t.Fatalf("GET the bootstrap link = %d:\n%s", res.StatusCode, page)
	}
	res, page := app.useLink(t, m[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `src="/signin/session.js"`) || strings.Contains(page, "<script>") {
		t.Fatalf("POST the bootstrap link = %d, want the signed-in page with its script file:\n%s", res.StatusCode, page)
	}
	kept := keptSession(t, page)
	if status, role := app.me(t, "news", kept); status != http.StatusOK || role != "admin" {
		t.Errorf("/me = %d %q, want admin", status, role)
	}
	if res, js := app.do(t, "GET", "/signin/session.js", nil); res.StatusCode != http.StatusOK || !strings.Contains(js, `"parley:session:"`) {
		t.Errorf("session.js = %d %s", res.StatusCode, js)
	}
	if out, err := app.cli(t, "admin", "bootstrap", "--site", "news", "--email", "other@example.org"); err == nil || !strings.Contains(err.Error(), "already has an admin") {
		t.Errorf("a second admin without --force: %v\n%s", err, out)
	}
	if out, err := app.cli(t, "admin", "bootstrap", "--site", "news", "--email", "boss@example.org"); err != nil || !printedLink.MatchString(out) {
		t.Errorf("the same admin again: %v\n%s", err, out)
	}
	if out, err := app.cli(t, "admin", "bootstrap", "--site", "news", "--email", "other@example.org", "--force"); err != nil || !strings.Contains(out, "commenter -> admin") {
		t.Errorf("a second admin with --force: %v\n%s", err, out)
	}
	if _, err := app.cli(t, "admin", "bootstrap", "--site", "nope", "--email", "a@b.example"); err == nil {
		t.Error("bootstrap on an unknown site succeeded")
	}
}

// TestUserGrantRevoke: a role given or taken from the command line holds
// from the next request of a session that exists already; a role on one
// site is none on another; a role given before the first sign-in is found
// by it.
func TestUserGrantRevoke(t *testing.T) {
	app := startMailApp(t, true)
	session := app.signInByMail(t, "news", "mod@example.org")
	step := func(want string, args ...string) {
		t.Helper()
		out, err := app.cli(t, args...)
		if err != nil {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
		if !strings.Contains(out, want) {
			t.Errorf("parley %s printed %q, want %q", strings.Join(args, " "), out, want)
		}
	}
	step("commenter -> moderator", "user", "grant", "--site", "news", "--email", "MOD@example.org", "--role", "moderator")
	if status, role := app.me(t, "news", session); status != http.StatusOK || role != "moderator" {
		t.Errorf("/me after grant = %d %q, want moderator", status, role)
	}
	if status, _ := app.me(t, "other", session); status != http.StatusUnauthorized {
		t.Errorf("/me?site=other with the news session = %d, want 401", status)
	}
	if status, role := app.me(t, "other", app.signInByMail(t, "other", "mod@example.org")); status != http.StatusOK || role != "commenter" {
		t.Errorf("the same address on site other = %d %q, want commenter", status, role)
	}
	step("moderator -> commenter", "user", "revoke", "--site", "news", "--email", "mod@example.org")
	if status, role := app.me(t, "news", session); status != http.StatusOK || role != "commenter" {
		t.Errorf("/me after revoke = %d %q, want commenter", status, role)
	}
	step("not signed in yet", "user", "grant", "--site", "news", "--email", "staff@example.org", "--role", "staff")
	if status, role := app.me(t, "news", app.signInByMail(t, "news", "staff@example.org")); status != http.StatusOK || role != "staff" {
		t.Errorf("first sign-in after grant = %d %q, want staff", status, role)
	}
	step("sso:sub-7", "user", "grant", "--site", "news", "--sso-sub", "sub-7", "--role", "admin")
	step("nothing changed", "user", "revoke", "--site", "news", "--sso-sub", "never-seen")
	for _, args := range [][]string{
		{"user", "grant", "--site", "nope", "--email", "a@b.example", "--role", "staff"},
		{"user", "grant", "--site", "news", "--email", "a@b.example", "--role", "commenter"},
		{"user", "grant", "--site", "news", "--email", "a@b.example", "--role", "owner"},
		{"user", "grant", "--site", "news", "--email", "a@b.example", "--sso-sub", "x", "--role", "staff"},
		{"user", "grant", "--site", "news", "--email", "not-an-address", "--role", "staff"},
		{"user", "promote"},
	} {
		if out, err := app.cli(t, args...); err == nil {
			t.Errorf("parley %s succeeded:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestSiteEmailSignInFlag: --email-signin=false turns e-mail sign-in off
// for the site, and =true on again.
func TestSiteEmailSignInFlag(t *testing.T) {
	app := startMailApp(t, true)
	for _, c := range []struct {
		flag string
		off  bool
	}{{"--email-signin=false", true}, {"--email-signin=true", false}} {
		if _, err := app.cli(t, "site", "update", "--id", "news", c.flag); err != nil {
			t.Fatal(err)
		}
		s, err := app.store.Site(t.Context(), "news")
		if err != nil || s.EmailSignIn.Off != c.off || s.Name != "Die Zeitung" {
			t.Errorf("after %s: %+v, %v", c.flag, s, err)
		}
	}
}
