package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAdminDeskSettings: over the real service and store, a moderator
// reads the site's pre-moderation rules but cannot change them, and sets
// a story's rule; an admin changes the site's, which the audit log shows;
// hostile forms never answer 500.
func TestAdminDeskSettings(t *testing.T) {
	app := startMailApp(t, true)
	for _, g := range []struct{ email, role string }{{"mod@news.example", "moderator"}, {"adm@news.example", "admin"}} {
		if out, err := app.cli(t, "user", "grant", "--site", "news", "--email", g.email, "--role", g.role); err != nil {
			t.Fatalf("grant %s: %v %s", g.role, err, out)
		}
	}
	mod, adm := newAdminBrowser(t, app), newAdminBrowser(t, app)
	if res, _ := mod.signIn("news", "mod@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("moderator sign in: %d", res.StatusCode)
	}
	if res, _ := adm.signIn("news", "adm@news.example"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin sign in: %d", res.StatusCode)
	}
	res, page := mod.send("GET", "/admin/sites/news/settings", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "<fieldset class=\"plain\" disabled>") || !strings.Contains(page, `value="off" checked`) {
		t.Fatalf("the moderator's settings page: %d\n%s", res.StatusCode, page)
	}
	token := mod.csrf("/admin/sites/news/settings")
	rules := url.Values{"csrf": {token}, "premoderation": {"links"}, "trustAfter": {"4"}, "allowlist": {"Wikipedia.org\nnews.example"},
		"closeAfterDays": {"30"}, "premoderateAfterDays": {"7"}}
	if res, page := mod.send("POST", "/admin/sites/news/settings", rules); res.StatusCode != http.StatusForbidden {
		t.Errorf("a moderator changing the rules: %d\n%.300s", res.StatusCode, page)
	}
	rules.Set("csrf", adm.csrf("/admin/sites/news/settings"))
	if res, page := adm.send("POST", "/admin/sites/news/settings", rules); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an admin changing the rules: %d\n%.300s", res.StatusCode, page)
	}
	_, page = adm.send("GET", "/admin/sites/news/settings", nil)
	for _, want := range []string{`value="links" checked`, `value="4"`, "wikipedia.org\nnews.example", `value="30"`, `value="7"`} {
		if !strings.Contains(page, want) {
			t.Errorf("after the change the page lacks %q", want)
		}
	}
	if _, page := mod.send("GET", "/admin/sites/news/audit?action=site.settings", nil); !strings.Contains(page, "premoderation=links") {
		t.Errorf("the audit log does not show the change:\n%s", page)
	}
	story := url.Values{"csrf": {token}, "rule": {"all"}, "back": {"/admin/sites/news?story=budget"}}
	if res, page := mod.send("POST", "/admin/sites/news/stories/budget/rule", story); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a moderator's story rule: %d\n%.300s", res.StatusCode, page)
	}
	if _, page := mod.send("GET", "/admin/sites/news?story=budget", nil); !strings.Contains(page, `<option value="all" selected>`) {
		t.Errorf("the story's queue does not show its rule")
	}
	long := strings.Repeat("x", 3000)
	for p, f := range map[string]url.Values{
		"/admin/sites/news/settings":                  {"premoderation": {"<script>"}, "trustAfter": {"99999999999999999999"}},
		"/admin/sites/news/settings?hosts":            {"premoderation": {"links"}, "allowlist": {"\x00" + long}},
		"/admin/sites/news/settings?days":             {"premoderation": {"off"}, "closeAfterDays": {"-1"}},
		"/admin/sites/news/stories/%00/rule":          {"rule": {"all"}},
		"/admin/sites/news/stories/" + long + "/rule": {"rule": {"all"}},
		"/admin/sites/news/stories/budget/rule":       {"rule": {long}},
	} {
		f.Set("csrf", rules.Get("csrf"))
		if res, page := adm.send("POST", p, f); res.StatusCode >= 500 || res.StatusCode < 400 {
			t.Errorf("POST %.80s: %d, want a 4xx\n%.300s", p, res.StatusCode, page)
		}
	}
}
