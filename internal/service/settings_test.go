package service_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestModerationSettings: moderators read a site's rules, admins alone
// change them, each change is one audit entry naming before and after,
// and the pipeline applies the new rule at once.
func TestModerationSettings(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		_, reader := d.post("s1", "Erster Kommentar", nil)
		r, err := d.svc.ModerationSettings(d.as(d.mod), "news")
		if err != nil || r.Premoderation != parley.PremoderateOff || r.TrustAfter != parley.DefaultTrustAfter {
			t.Fatalf("a moderator reads %+v, %v", r, err)
		}
		_, err = d.svc.ModerationSettings(d.as(reader), "news")
		wantKey(t, "a reader reading the rules", err, parley.EFORBIDDEN, "roleTooLow")

		want := service.Rules{Premoderation: parley.PremoderateLinks, TrustAfter: 5,
			LinkAllowlist: []string{" Wikipedia.org ", "", "news.example", "wikipedia.org"}, CloseAfterDays: 30, PremoderateAfterDays: 7}
		_, err = d.svc.SetModerationSettings(d.as(d.mod), "news", want)
		wantKey(t, "a moderator changing the rules", err, parley.EFORBIDDEN, "roleTooLow")
		e, err := d.svc.SetModerationSettings(d.as(d.admin), "news", want)
		if err != nil || e == nil {
			t.Fatalf("an admin's change = %+v, %v", e, err)
		}
		if e.Action != parley.AuditSettingsChanged || e.ActorID != d.admin.ID || !strings.Contains(e.Before, "premoderation=off") ||
			!strings.Contains(e.After, "premoderation=links") || !strings.Contains(e.After, "allowlist=wikipedia.org,news.example") {
			t.Errorf("the entry is %+v", e)
		}
		logged, err := d.svc.Audit(d.as(d.mod), parley.AuditQuery{SiteID: "news", Action: parley.AuditSettingsChanged})
		if err != nil || len(logged) != 1 || logged[0].After != e.After {
			t.Errorf("the log holds %+v, %v", logged, err)
		}
		r, err = d.svc.ModerationSettings(d.as(d.mod), "news")
		if err != nil || r.Premoderation != parley.PremoderateLinks || r.TrustAfter != 5 || r.CloseAfterDays != 30 ||
			r.PremoderateAfterDays != 7 || !slices.Equal(r.LinkAllowlist, []string{"wikipedia.org", "news.example"}) {
			t.Errorf("after the change the rules are %+v, %v", r, err)
		}
		// the pipeline reads the new rule: a foreign link is held
		p, err := d.svc.Post(d.ctx, service.NewComment{SiteID: "news", StoryID: "s1", Body: "Siehe https://spam.example/x", AuthorName: "Leser"})
		if err != nil || p.Comment.Status != parley.StatusPending {
			t.Errorf("a comment with a foreign link is %+v, %v", p, err)
		}
		if again, err := d.svc.SetModerationSettings(d.as(d.admin), "news", *r); err != nil || again != nil {
			t.Errorf("the same rules again = %+v, %v; want no entry", again, err)
		}
		for _, bad := range []service.Rules{
			{Premoderation: "sometimes"},
			{Premoderation: parley.PremoderateNew, TrustAfter: -1},
			{LinkAllowlist: []string{"https://evil.example/"}},
			{CloseAfterDays: 4000},
			{PremoderateAfterDays: -2},
		} {
			_, err := d.svc.SetModerationSettings(d.as(d.admin), "news", bad)
			wantKey(t, "invalid rules", err, parley.EINVALID, "moderationSettings")
		}
		if r2, _ := d.svc.ModerationSettings(d.as(d.mod), "news"); r2.Premoderation != parley.PremoderateLinks {
			t.Errorf("refused rules changed the site: %+v", r2)
		}
	})
}

// TestStoryRule: a moderator sets and clears one story's rule, audited,
// and a reader may not.
func TestStoryRule(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		_, reader := d.post("s1", "Erster Kommentar", nil)
		e, err := d.svc.SetStoryRule(d.as(d.mod), "news", "s1", parley.PremoderateAll)
		if err != nil || e == nil || e.StoryID != "s1" || e.Before != "site" || e.After != parley.PremoderateAll || e.ActorID != d.mod.ID {
			t.Fatalf("a moderator's rule = %+v, %v", e, err)
		}
		if rule, err := d.svc.StoryRule(d.as(d.mod), "news", "s1"); err != nil || rule != parley.PremoderateAll {
			t.Errorf("the story's rule reads %q, %v", rule, err)
		}
		if rule, err := d.svc.StoryRule(d.as(d.mod), "news", "nobody-yet"); err != nil || rule != "" {
			t.Errorf("a story nobody commented on reads %q, %v", rule, err)
		}
		_, err = d.svc.StoryRule(d.as(reader), "news", "s1")
		wantKey(t, "a reader reading a story's rule", err, parley.EFORBIDDEN, "roleTooLow")
		if c, err := d.postAs(reader, "s1", "Zweiter Kommentar"); err != nil || c.Status != parley.StatusPending {
			t.Errorf("under the story's rule a comment is %+v, %v", c, err)
		}
		if again, err := d.svc.SetStoryRule(d.as(d.mod), "news", "s1", parley.PremoderateAll); err != nil || again != nil {
			t.Errorf("the same rule again = %+v, %v; want no entry", again, err)
		}
		if e, err := d.svc.SetStoryRule(d.as(d.admin), "news", "s1", ""); err != nil || e == nil || e.After != "site" {
			t.Errorf("following the site again = %+v, %v", e, err)
		}
		_, err = d.svc.SetStoryRule(d.as(reader), "news", "s1", parley.PremoderateOff)
		wantKey(t, "a reader's rule", err, parley.EFORBIDDEN, "roleTooLow")
		_, err = d.svc.SetStoryRule(d.as(d.mod), "news", "s1", "maybe")
		wantKey(t, "an unknown rule", err, parley.EINVALID, "moderationSettings")
		_, err = d.svc.SetStoryRule(d.as(d.mod), "news", "bad id!", parley.PremoderateAll)
		wantKey(t, "a bad story ID", err, parley.EINVALID, "")
		if _, err := d.store.Story(d.ctx, "news", "never"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("precondition: story never exists: %v", err)
		}
		_, err = d.svc.SetStoryRule(d.as(d.mod), "news", "never", "maybe")
		wantKey(t, "an unknown rule on a new story", err, parley.EINVALID, "moderationSettings")
		if _, err := d.store.Story(d.ctx, "news", "never"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a refused rule left a story behind: %v", err)
		}
	})
}

// TestSettingsAndEntryAreOneUnit: when the audit entry cannot be written,
// neither the site's rules nor a story's change.
func TestSettingsAndEntryAreOneUnit(t *testing.T) {
	good := newDesk(t, testStore(t))
	bad := service.New(failingAudit{good.store}, markup.New(), realtime.NewBus(), quietLog())
	good.post("s1", "Erster Kommentar", nil)
	_, err := bad.SetModerationSettings(good.as(good.admin), "news", service.Rules{Premoderation: parley.PremoderateAll})
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("SetModerationSettings = %v, want the audit log's failure", err)
	}
	if site, _ := good.store.Site(good.ctx, "news"); site.Moderation.Premoderation != "" {
		t.Errorf("after a failed change the site pre-moderates %q", site.Moderation.Premoderation)
	}
	_, err = bad.SetStoryRule(good.as(good.mod), "news", "s1", parley.PremoderateAll)
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("SetStoryRule = %v, want the audit log's failure", err)
	}
	if st, _ := good.store.Story(good.ctx, "news", "s1"); st.Premoderation != "" {
		t.Errorf("after a failed change the story pre-moderates %q", st.Premoderation)
	}
}
