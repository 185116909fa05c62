package admin

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/service"
)

// settingsSessions knows an admin besides the staff of fakeSessions.
type settingsSessions struct{ fakeSessions }

func (s settingsSessions) Actor(ctx context.Context, token string) (*parley.Actor, error) {
	if token == tokAdmin {
		return &parley.Actor{User: &parley.User{ID: "adm", SiteID: "news", Name: "Ada"}, SiteID: "news", Role: parley.RoleAdmin, Method: parley.MethodSession}, nil
	}
	return s.fakeSessions.Actor(ctx, token)
}

// fakeSettings holds one site's rules and refuses as authorize does:
// moderators read, admins change, moderators set a story's rule.
type fakeSettings struct {
	rules service.Rules
	story map[string]string
	calls int
}

func (f *fakeSettings) ModerationSettings(ctx context.Context, siteID string) (*service.Rules, error) {
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	r := f.rules
	return &r, nil
}

func (f *fakeSettings) SetModerationSettings(ctx context.Context, siteID string, r service.Rules) (*parley.AuditEntry, error) {
	f.calls++
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	if parley.ActorFrom(ctx).Role < parley.RoleAdmin {
		return nil, parley.Errorf(parley.EFORBIDDEN, "role").Keyed("roleTooLow")
	}
	if r.CloseAfterDays > 3650 {
		return nil, parley.Errorf(parley.EINVALID, "days").Keyed("moderationSettings")
	}
	f.rules = r
	return &parley.AuditEntry{ID: 9, Action: parley.AuditSettingsChanged}, nil
}

func (f *fakeSettings) SetStoryRule(ctx context.Context, siteID, storyID, rule string) (*parley.AuditEntry, error) {
	f.calls++
	if err := staff(ctx, siteID); err != nil {
		return nil, err
	}
	f.story[storyID] = rule
	return &parley.AuditEntry{ID: 10, Action: parley.AuditSettingsChanged}, nil
}

func (f *fakeSettings) StoryRule(ctx context.Context, siteID, storyID string) (string, error) {
	if err := staff(ctx, siteID); err != nil {
		return "", err
	}
	return f.story[storyID], nil
}

// newSettingsUI is newTestUI with the settings service and an admin.
func newSettingsUI(t *testing.T) (*testUI, *fakeSettings) {
	t.Helper()
	set := &fakeSettings{rules: service.Rules{Premoderation: parley.PremoderateNew, TrustAfter: 3, LinkAllowlist: []string{"wikipedia.org"}}, story: map[string]string{}}
	svc := &fakeService{}
	ui := New(svc, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})), Config{PublicURL: testURL,
		Sessions: settingsSessions{}, Key: []byte(strings.Repeat("k", 32)), Bus: realtime.NewBus(), Settings: set, Now: func() time.Time { return testNow }})
	mux := http.NewServeMux()
	ui.Register(mux)
	t.Cleanup(ui.Close)
	return &testUI{t: t, svc: svc, h: mux, ui: ui}, set
}

// TestSettingsPage: the page renders in every language with the site's
// rules, read-only for a moderator and as a form for an admin.
func TestSettingsPage(t *testing.T) {
	titles := map[string]string{"en": "Pre-moderation", "de": "Vormoderation", "es": "Premoderación", "fr": "Prémodération"}
	for lang, title := range titles {
		for _, tok := range []string{tokModerator, tokAdmin} {
			u, _ := newSettingsUI(t)
			u.signIn("news", tok)
			for _, p := range []string{"/admin/sites/news/settings", "/admin/sites/news?story=budget"} {
				res := u.get(p, "Accept-Language", lang)
				body := res.Body.String()
				switch {
				case res.Code != http.StatusOK:
					t.Errorf("%s %s: %d\n%s", lang, p, res.Code, body)
				case !strings.Contains(body, `<html lang="`+lang+`">`):
					t.Errorf("%s %s: not in %s", lang, p, lang)
				case untranslated.MatchString(body):
					t.Errorf("%s %s: untranslated %q", lang, p, untranslated.FindString(body))
				}
			}
			body := u.get("/admin/sites/news/settings", "Accept-Language", lang).Body.String()
			readOnly := strings.Contains(body, "<fieldset class=\"plain\" disabled>")
			if !strings.Contains(body, title) || !strings.Contains(body, `value="new" checked`) || !strings.Contains(body, "wikipedia.org") ||
				!strings.Contains(body, `<label for="trustAfter">`) {
				t.Errorf("%s: the page does not show the rules:\n%s", lang, body)
			}
			if readOnly != (tok == tokModerator) || strings.Contains(body, "</button>\n</fieldset>") == readOnly {
				t.Errorf("%s: read-only %v for %s", lang, readOnly, tok)
			}
			if q := u.get("/admin/sites/news?story=budget", "Accept-Language", lang).Body.String(); !strings.Contains(q, `action="/admin/sites/news/stories/budget/rule"`) {
				t.Errorf("%s: the story's queue has no form for its rule", lang)
			}
		}
	}
}

// TestSettingsChange: an admin saves the rules and a moderator a story's
// rule; a moderator cannot change the site's; bad numbers and refused
// rules answer 400 in the staff member's language; a post without the
// CSRF token reaches nothing.
func TestSettingsChange(t *testing.T) {
	u, set := newSettingsUI(t)
	u.signIn("news", tokAdmin)
	res := u.post("/admin/sites/news/settings", u.form("premoderation", "links", "trustAfter", "5", "allowlist", "example.org\r\nnews.example, wikipedia.org",
		"closeAfterDays", "30", "premoderateAfterDays", ""))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/sites/news/settings?saved=1" {
		t.Fatalf("save: %d to %q\n%s", res.Code, res.Header().Get("Location"), res.Body)
	}
	want := service.Rules{Premoderation: "links", TrustAfter: 5, LinkAllowlist: []string{"example.org", "news.example", "wikipedia.org"}, CloseAfterDays: 30}
	if strings.Join(set.rules.LinkAllowlist, " ") != strings.Join(want.LinkAllowlist, " ") || set.rules.Premoderation != want.Premoderation ||
		set.rules.TrustAfter != 5 || set.rules.CloseAfterDays != 30 || set.rules.PremoderateAfterDays != 0 {
		t.Errorf("saved %+v, want %+v", set.rules, want)
	}
	if body := u.get("/admin/sites/news/settings?saved=1").Body.String(); !strings.Contains(body, "The settings have been saved.") {
		t.Error("the page does not say the settings were saved")
	}
	res = u.post("/admin/sites/news/settings", u.form("premoderation", "all", "trustAfter", "drei"), "Accept-Language", "de")
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Moderationseinstellungen") {
		t.Errorf("a bad number: %d\n%s", res.Code, res.Body)
	}
	res = u.post("/admin/sites/news/settings", u.form("premoderation", "all", "closeAfterDays", "9999"), "Accept", "application/json")
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `"key":"moderationSettings"`) {
		t.Errorf("refused rules: %d %s", res.Code, res.Body)
	}
	calls := set.calls
	res = u.post("/admin/sites/news/settings", url.Values{"premoderation": {"off"}})
	if res.Code != http.StatusForbidden || set.calls != calls || set.rules.Premoderation != "links" {
		t.Errorf("without the CSRF token: %d, the service called %d times", res.Code, set.calls-calls)
	}

	m, set := newSettingsUI(t)
	m.signIn("news", tokModerator)
	res = m.post("/admin/sites/news/settings", m.form("premoderation", "off", "trustAfter", "3"), "Accept", "application/json")
	if res.Code != http.StatusForbidden || set.rules.Premoderation != parley.PremoderateNew {
		t.Errorf("a moderator changing the rules: %d, rules %+v", res.Code, set.rules)
	}
	res = m.post("/admin/sites/news/stories/budget/rule", m.form("rule", "all", "back", "/admin/sites/news?story=budget"))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+"/admin/sites/news?story=budget" || set.story["budget"] != "all" {
		t.Errorf("a moderator's story rule: %d to %q, rules %v", res.Code, res.Header().Get("Location"), set.story)
	}
	if body := m.get("/admin/sites/news?story=budget").Body.String(); !strings.Contains(body, `<option value="all" selected>`) {
		t.Error("the story's queue does not show its rule")
	}
	res = m.post("/admin/sites/news/stories/budget/rule", url.Values{"rule": {"off"}})
	if res.Code != http.StatusForbidden || set.story["budget"] != "all" {
		t.Errorf("a story rule without the CSRF token: %d, rules %v", res.Code, set.story)
	}
}
