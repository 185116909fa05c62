package service

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"parley"
)

// day is the unit of the age rules.
const day = 24 * time.Hour

// premoderate applies the pre-moderation rules of the site and story to a
// text by author a (nil for a reader without an account yet) and returns
// the reasons that hold it back, none when it may go out, and the
// author's approved comments when it read them (-1 when not). Staff,
// moderators and admins are never held back by a rule. The rule for new
// commenters reads the author's approved comments only when it is on, and
// at most as many as it needs.
func (s *Service) premoderate(ctx context.Context, site *parley.Site, st *parley.Story, a *parley.Actor, links []string) (why []parley.Reason, approved int, err error) {
	if a.RoleOn(site.ID) >= parley.RoleStaff {
		return nil, -1, nil
	}
	m := site.Moderation
	var override string
	var age time.Duration
	if st != nil {
		override, age = st.Premoderation, s.now().Sub(st.CreatedAt)
	}
	approved = -1
	if d := m.PremoderateAfterDays; d > 0 && age > time.Duration(d)*day {
		why = append(why, parley.Reason{Check: parley.CheckRule, Key: "age", N: d})
	}
	key := parley.CheckRule
	switch mode := m.Mode(override); mode {
	case parley.PremoderateAll:
		why = append(why, parley.Reason{Check: key, Key: mode})
	case parley.PremoderateLinks:
		if host, n := foreignLinks(m, links); n > 0 {
			why = append(why, parley.Reason{Check: key, Key: mode, Detail: host, N: n})
		}
	case parley.PremoderateNew:
		if approved, err = s.approved(ctx, site, a, m.Trust()); err != nil {
			return nil, -1, err
		}
		if approved < m.Trust() {
			why = append(why, parley.Reason{Check: key, Key: mode, N: approved})
		}
	}
	return why, approved, nil
}

// approved counts the approved comments of a on site, up to limit; a
// reader without an account has none.
func (s *Service) approved(ctx context.Context, site *parley.Site, a *parley.Actor, limit int) (int, error) {
	if a == nil {
		return 0, nil
	}
	n, err := s.store.ApprovedComments(ctx, site.ID, a.User.ID, limit)
	if err != nil {
		return 0, fmt.Errorf("approved comments: %w", err)
	}
	return n, nil
}

// closedByAge reports whether the site closes a story of st's age.
func (s *Service) closedByAge(site *parley.Site, st *parley.Story) bool {
	d := site.Moderation.CloseAfterDays
	return st != nil && d > 0 && s.now().Sub(st.CreatedAt) > time.Duration(d)*day
}

// foreignLinks counts the web links to hosts off the site's allowlist
// and names the first such host; mail links have no host to allow and do
// not count.
func foreignLinks(m parley.Moderation, links []string) (first string, n int) {
	for _, l := range links {
		if strings.HasPrefix(l, "mailto:") {
			continue
		}
		var host string
		if u, err := url.Parse(l); err == nil {
			host = u.Hostname()
		}
		if host != "" && m.AllowsLink(host) {
			continue
		}
		if n == 0 {
			first = host
		}
		n++
	}
	return first, n
}

// linksOf returns the targets of the links in a comment's HTML. The HTML
// is Parley's own, rendered and sanitized a moment ago, so every link is
// an <a href="…"> with its attribute escaped one way: a scan is enough, no
// parser is needed.
func linksOf(h string) []string {
	const attr = `<a href="`
	var links []string
	for {
		i := strings.Index(h, attr)
		if i < 0 {
			return links
		}
		h = h[i+len(attr):]
		end := strings.IndexByte(h, '"')
		if end < 0 {
			return links
		}
		links = append(links, html.UnescapeString(h[:end]))
		h = h[end:]
	}
}

// SetStoryPremoderation overrides the site's pre-moderation mode for one
// story (mode "" follows the site again), creating the story if nobody
// has commented yet, in one unit of work. It is the operator's (the
// command line); the desk calls SetStoryRule, which authorizes and audits.
func (s *Service) SetStoryPremoderation(ctx context.Context, siteID, storyID, mode string) (*parley.Story, error) {
	st, _, err := s.setStoryPremoderation(ctx, siteID, storyID, mode, nil)
	return st, err
}

// setStoryPremoderation sets a story's mode in one unit of work with
// what changed calls there with the mode before, when the mode changes;
// changed reports whether it did (in the attempt that was committed).
func (s *Service) setStoryPremoderation(ctx context.Context, siteID, storyID, mode string, changed func(tx parley.Tx, before string) error) (*parley.Story, bool, error) {
	if _, err := s.Site(ctx, siteID); err != nil {
		return nil, false, err
	}
	ch := storyChange{set: func(st *parley.Story) bool {
		if st.Premoderation == mode {
			return false
		}
		st.Premoderation = mode
		return true
	}}
	if changed != nil {
		ch.then = func(tx parley.Tx, before parley.Story) error { return changed(tx, before.Premoderation) }
	}
	return s.changeStory(ctx, siteID, storyID, ch)
}
