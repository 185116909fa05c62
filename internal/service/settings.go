package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"parley"
)

// Rules are a site's pre-moderation rules: the part of its moderation
// settings (parley.Moderation) that the moderator desk shows and admins
// change. Bot friction, word lists and scorers stay the operator's.
type Rules struct {
	// Premoderation is off, all, new or links; "" reads as off.
	Premoderation string
	// TrustAfter is how many approved comments make a commenter no
	// longer new; 0 means parley.DefaultTrustAfter.
	TrustAfter int
	// LinkAllowlist are the hosts whose links do not hold a comment.
	LinkAllowlist []string
	// CloseAfterDays and PremoderateAfterDays count from a story's
	// creation; 0 for never.
	CloseAfterDays       int
	PremoderateAfterDays int
}

// rulesOf returns the rules of m, with the defaults spelled out, so that
// a form shows what applies rather than blanks.
func rulesOf(m parley.Moderation) *Rules {
	return &Rules{Premoderation: m.Mode(""), TrustAfter: m.Trust(), LinkAllowlist: slices.Clone(m.LinkAllowlist),
		CloseAfterDays: m.CloseAfterDays, PremoderateAfterDays: m.PremoderateAfterDays}
}

// apply writes r over the rules of m, leaving its other settings alone.
// Hosts are read as the command line reads them: trimmed, lower case,
// empty entries and repeats dropped.
func (r Rules) apply(m parley.Moderation) parley.Moderation {
	m.Premoderation = r.Premoderation
	if m.Premoderation == parley.PremoderateOff {
		m.Premoderation = ""
	}
	m.TrustAfter = r.TrustAfter
	if m.TrustAfter == parley.DefaultTrustAfter {
		m.TrustAfter = 0
	}
	m.LinkAllowlist = nil
	for _, h := range r.LinkAllowlist {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" && !slices.Contains(m.LinkAllowlist, h) {
			m.LinkAllowlist = append(m.LinkAllowlist, h)
		}
	}
	m.CloseAfterDays, m.PremoderateAfterDays = r.CloseAfterDays, r.PremoderateAfterDays
	return m
}

// String is the rules as the audit log's Before and After show them.
func (r Rules) String() string {
	hosts := strings.Join(r.LinkAllowlist, ",")
	if hosts == "" {
		hosts = "-"
	}
	return clip(fmt.Sprintf("premoderation=%s trust-after=%d allowlist=%s close-after=%dd premoderate-after=%dd",
		r.Premoderation, r.TrustAfter, hosts, r.CloseAfterDays, r.PremoderateAfterDays), 1000)
}

// ModerationSettings returns a site's pre-moderation rules to its
// moderators and admins.
func (s *Service) ModerationSettings(ctx context.Context, siteID string) (*Rules, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actReadRules, nil); err != nil {
		return nil, err
	}
	return rulesOf(site.Moderation), nil
}

// SetModerationSettings replaces a site's pre-moderation rules, for its
// admins only: a rule decides what every reader of the site sees at once.
// The change and its audit entry are one unit of work; the entry is nil
// when nothing changed. Invalid rules are refused as the command line's
// are (EINVALID, key moderationSettings).
func (s *Service) SetModerationSettings(ctx context.Context, siteID string, r Rules) (*parley.AuditEntry, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actSetRules, nil)
	if err != nil {
		return nil, err
	}
	if err := r.apply(site.Moderation).Validate(); err != nil {
		return nil, err
	}
	var e *parley.AuditEntry
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		e = nil
		// read again inside the unit: the cached site may be behind, and
		// the word lists' version must stay the stored one
		cur, err := tx.Site(ctx, siteID)
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
		next := r.apply(cur.Moderation)
		before, after := rulesOf(cur.Moderation).String(), rulesOf(next).String()
		if before == after {
			return nil
		}
		cur.Moderation = next
		if err := tx.UpdateSite(ctx, cur); err != nil {
			return fmt.Errorf("update site: %w", err)
		}
		e = &parley.AuditEntry{SiteID: siteID, Action: parley.AuditSettingsChanged, ActorID: actorID(a),
			Reason: "premoderation", Before: before, After: after, CreatedAt: s.now()}
		return appendAudit(ctx, tx, e)
	})
	if err != nil || e == nil {
		return nil, err
	}
	s.sites.drop(siteID)
	s.publishEvent(ctx, parley.Event{Type: parley.EventSiteChanged, SiteID: siteID})
	return e, nil
}

// SetStoryRule overrides the site's pre-moderation mode for one story
// (rule "" follows the site again), for the site's moderators and admins,
// creating the story if nobody has commented yet. The change and its
// audit entry are one unit of work; the entry is nil when nothing changed.
func (s *Service) SetStoryRule(ctx context.Context, siteID, storyID, rule string) (*parley.AuditEntry, error) {
	a, err := s.staffSite(ctx, siteID, actStoryRule)
	if err != nil {
		return nil, err
	}
	var e *parley.AuditEntry
	_, changed, err := s.setStoryPremoderation(ctx, siteID, storyID, rule, func(tx parley.Tx, before string) error {
		e = &parley.AuditEntry{SiteID: siteID, Action: parley.AuditSettingsChanged, StoryID: storyID, ActorID: actorID(a),
			Reason: "premoderation", Before: storyRule(before), After: storyRule(rule), CreatedAt: s.now()}
		return appendAudit(ctx, tx, e)
	})
	if err != nil || !changed {
		return nil, err
	}
	return e, nil
}

// storyRule names a story's override for the audit log.
func storyRule(rule string) string {
	if rule == "" {
		return "site"
	}
	return rule
}

// StoryRule returns one story's own pre-moderation rule to the site's
// moderators and admins: "" when it follows the site's, as does a story
// nobody has commented on yet.
func (s *Service) StoryRule(ctx context.Context, siteID, storyID string) (string, error) {
	if _, err := s.staffSite(ctx, siteID, actReadRules); err != nil {
		return "", err
	}
	if !parley.ValidID(storyID) {
		return "", parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", storyID)
	}
	st, err := s.store.Story(ctx, siteID, storyID)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return "", nil
	case err != nil:
		return "", fmt.Errorf("story: %w", err)
	}
	return st.Premoderation, nil
}
