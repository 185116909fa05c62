package parley

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// Pre-moderation modes: which comments of a site or story wait for a
// moderator before anyone else sees them.
const (
	PremoderateOff   = "off"   // none (the default)
	PremoderateAll   = "all"   // every comment
	PremoderateNew   = "new"   // those of commenters with fewer than TrustAfter approved comments
	PremoderateLinks = "links" // those with a link to a host outside LinkAllowlist
)

// Defaults and bounds of the moderation settings.
const (
	// DefaultTrustAfter is how many approved comments make a commenter
	// no longer new, for PremoderateNew.
	DefaultTrustAfter = 3
	maxTrustAfter     = 1000
	maxAllowlist      = 200
	maxDays           = 3650
	maxPowAfter       = 10000
)

// ValidPremoderation reports whether m is one of the pre-moderation modes.
func ValidPremoderation(m string) bool {
	switch m {
	case PremoderateOff, PremoderateAll, PremoderateNew, PremoderateLinks:
		return true
	}
	return false
}

// Moderation is a site's moderation settings: its pre-moderation rules,
// its bot friction and its word lists' state. The zero value moderates
// nothing in advance, never asks for a proof of work and uses Parley's
// default word lists.
type Moderation struct {
	// Premoderation is the site's mode; "" is PremoderateOff. A story may
	// override it (Story.Premoderation).
	Premoderation string `json:"premoderation,omitempty"`
	// TrustAfter is the number of approved comments after which a
	// commenter is no longer new; 0 means DefaultTrustAfter.
	TrustAfter int `json:"trustAfter,omitempty"`
	// LinkAllowlist are the hosts (and their subdomains) whose links do
	// not hold a comment under PremoderateLinks.
	LinkAllowlist []string `json:"linkAllowlist,omitempty"`
	// CloseAfterDays closes a story's discussion that many days after the
	// story was created; PremoderateAfterDays pre-moderates every comment
	// from then on. 0 for never.
	CloseAfterDays       int `json:"closeAfterDays,omitempty"`
	PremoderateAfterDays int `json:"premoderateAfterDays,omitempty"`

	// PowAfter asks an address for a proof of work once it has posted
	// anonymously that many times within an hour; 0 never. PowAlways asks
	// every anonymous post for one.
	PowAfter  int  `json:"powAfter,omitempty"`
	PowAlways bool `json:"powAlways,omitempty"`

	// NoDefaultWords leaves Parley's default word lists out: only the
	// site's own words count.
	NoDefaultWords bool `json:"noDefaultWords,omitempty"`
	// WordsVersion changes with every change of the site's word lists, in
	// the same unit of work, so that an instance holding compiled lists
	// knows from the site it reads anyway when to compile them again.
	WordsVersion int64 `json:"wordsVersion,omitempty"`

	// Scorers is the site's scorer configuration, a JSON array of
	// moderation.ScorerConfig (the service validates and builds it); nil
	// for none.
	Scorers json.RawMessage `json:"scorers,omitempty"`
}

// Trust returns TrustAfter or its default.
func (m Moderation) Trust() int {
	if m.TrustAfter == 0 {
		return DefaultTrustAfter
	}
	return m.TrustAfter
}

// Mode returns the pre-moderation mode of a story of the site whose own
// override is story ("" for none).
func (m Moderation) Mode(story string) string {
	switch {
	case story != "":
		return story
	case m.Premoderation != "":
		return m.Premoderation
	}
	return PremoderateOff
}

// AllowsLink reports whether a link to host is on the allowlist: the host
// itself or a subdomain of an entry.
func (m Moderation) AllowsLink(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return slices.ContainsFunc(m.LinkAllowlist, func(h string) bool {
		return host == h || strings.HasSuffix(host, "."+h)
	})
}

// Validate returns EINVALID (key moderationSettings) unless m can be
// stored.
func (m Moderation) Validate() error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, format, args...).Keyed("moderationSettings")
	}
	switch {
	case m.Premoderation != "" && !ValidPremoderation(m.Premoderation):
		return bad("Pre-moderation is off, all, new or links.")
	case m.TrustAfter < 0 || m.TrustAfter > maxTrustAfter:
		return bad("A commenter is trusted after 1 to %d approved comments.", maxTrustAfter)
	case len(m.LinkAllowlist) > maxAllowlist:
		return bad("The link allowlist holds at most %d hosts.", maxAllowlist)
	case m.CloseAfterDays < 0 || m.CloseAfterDays > maxDays || m.PremoderateAfterDays < 0 || m.PremoderateAfterDays > maxDays:
		return bad("Days are between 0 (never) and %d.", maxDays)
	case m.PowAfter < 0 || m.PowAfter > maxPowAfter:
		return bad("A proof of work is asked after 0 (never) to %d posts an hour.", maxPowAfter)
	}
	for _, h := range m.LinkAllowlist {
		if !validHost(h) {
			return bad("%q is not a host name such as news.example (lower case, no scheme, no path).", h)
		}
	}
	return nil
}

// validHost accepts a lower-case host name of letters, digits, '-' and
// dots, as links name hosts after IDNA.
func validHost(h string) bool {
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ApprovedCounter reads how far a commenter is from being new.
type ApprovedCounter interface {
	// ApprovedComments counts a user's approved comments on a site, up
	// to limit: the rule for new commenters needs only to know whether
	// there are limit of them, so a prolific commenter costs no more than
	// a new one. EINVALID if limit is below 1.
	ApprovedComments(ctx context.Context, siteID, userID string, limit int) (int, error)
}
