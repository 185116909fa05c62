package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"parley"
	"parley/internal/service"
)

// Settings is what the settings page needs of the service: a site's
// pre-moderation rules, readable by its moderators and changed by its
// admins, and one story's rule, each call authorized and audited there.
type Settings interface {
	ModerationSettings(ctx context.Context, siteID string) (*service.Rules, error)
	SetModerationSettings(ctx context.Context, siteID string, r service.Rules) (*parley.AuditEntry, error)
	SetStoryRule(ctx context.Context, siteID, storyID, rule string) (*parley.AuditEntry, error)
	StoryRule(ctx context.Context, siteID, storyID string) (string, error)
}

// modes are the pre-moderation modes in the order the forms offer them.
var modes = []string{parley.PremoderateOff, parley.PremoderateAll, parley.PremoderateNew, parley.PremoderateLinks}

// settingsView is the settings page.
type settingsView struct {
	layout
	Available bool
	// Editable says whether the form may be sent: admins only. The
	// service decides again; this only spares a moderator a refusal.
	Editable  bool
	Rules     *service.Rules
	Modes     []string
	Allowlist string // one host a line
	Notice    string
}

// settings shows the site's pre-moderation rules.
func (a *Admin) settings(w http.ResponseWriter, r *http.Request, d *desk) error {
	v := &settingsView{layout: a.deskLayout(r, d, "settings", d.P.T("admin.settings.title")), Available: a.rules != nil,
		Editable: d.Actor.RoleOn(d.Site.ID) >= parley.RoleAdmin, Modes: modes}
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = d.P.T("admin.settings.saved")
	}
	if a.rules == nil {
		// nothing to read, but the page is still a moderator's
		if _, err := a.svc.QueueCounts(r.Context(), d.Site.ID, ""); err != nil {
			return err
		}
	} else {
		rules, err := a.rules.ModerationSettings(r.Context(), d.Site.ID)
		if err != nil {
			return err
		}
		v.Rules, v.Allowlist = rules, strings.Join(rules.LinkAllowlist, "\n")
	}
	a.render(w, http.StatusOK, "settings", v)
	return nil
}

// changeSettings stores the posted rules.
func (a *Admin) changeSettings(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.rules == nil {
		return parley.Errorf(parley.ENOTFOUND, "This server has no moderation settings here.")
	}
	rules, err := postedRules(r)
	if err != nil {
		return err
	}
	if _, err := a.rules.SetModerationSettings(r.Context(), d.Site.ID, rules); err != nil {
		return err
	}
	r.PostForm.Set("back", deskPath(d.Site.ID, "settings")+"?saved=1")
	return a.done(w, r, d.Site.ID, actionResult{Message: d.P.T("admin.settings.saved")})
}

// postedRules reads the settings form. Numbers that are not whole
// numbers are refused here; their bounds and the hosts are the service's
// to check.
func postedRules(r *http.Request) (service.Rules, error) {
	f := r.PostForm
	rules := service.Rules{Premoderation: f.Get("premoderation"), LinkAllowlist: strings.FieldsFunc(f.Get("allowlist"), func(c rune) bool {
		return c == '\n' || c == '\r' || c == ',' || c == ' ' || c == '\t'
	})}
	for _, n := range []struct {
		name string
		to   *int
	}{{"trustAfter", &rules.TrustAfter}, {"closeAfterDays", &rules.CloseAfterDays}, {"premoderateAfterDays", &rules.PremoderateAfterDays}} {
		s := strings.TrimSpace(f.Get(n.name))
		if s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return rules, parley.Errorf(parley.EINVALID, "%s is a whole number.", n.name).Keyed("moderationSettings")
		}
		*n.to = v
	}
	return rules, nil
}

// storyRule sets the rule of the story in the path.
func (a *Admin) storyRule(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.rules == nil {
		return parley.Errorf(parley.ENOTFOUND, "This server has no moderation settings here.")
	}
	if _, err := a.rules.SetStoryRule(r.Context(), d.Site.ID, r.PathValue("story"), r.PostForm.Get("rule")); err != nil {
		return err
	}
	return a.done(w, r, d.Site.ID, actionResult{Message: d.P.T("admin.story.ruleSaved")})
}

// storyRuleView fills in the story rule form of a queue narrowed to a
// story: hidden when the server has no settings or the story ID is not
// one (the queue says so itself).
func (a *Admin) storyRuleView(ctx context.Context, v *queueView) error {
	if a.rules == nil || v.Story == nil {
		return nil
	}
	rule, err := a.rules.StoryRule(ctx, v.Story.SiteID, v.Story.ID)
	switch {
	case parley.ErrorCode(err) == parley.EINTERNAL:
		return err
	case err != nil:
		return nil
	}
	v.Modes, v.StoryRule = modes, rule
	return nil
}
