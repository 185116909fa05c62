package parley

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults for a new site's settings.
const (
	DefaultEditWindow    = 10 * time.Minute
	DefaultMaxBodyLength = 10000

	// MaxBodyLengthLimit is the most a site may allow: Markdown rendering
	// happens on every write and must stay fast for the longest comment.
	MaxBodyLengthLimit = 20000
)

// idPattern is what site and story IDs may look like: short, URL-path safe,
// and free of anything that needs escaping in a path segment.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$`)

// ValidID reports whether s may be used as a site or story ID.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Site is one publisher's installation: its stories, commenters and settings
// belong to it, and only its origins may call the API from a browser.
type Site struct {
	ID      string
	Name    string
	Origins []string // scheme://host[:port], exactly as browsers send Origin

	// AllowAnonymous lets readers without an account post under a display
	// name; they get a commenter token to edit and delete what they wrote.
	AllowAnonymous bool
	EditWindow     time.Duration // how long an author may edit a comment
	MaxBodyLength  int           // in characters (runes), after normalization
	// SessionTTL is how long a session lasts unused (sliding expiry);
	// zero means DefaultSessionTTL (see SessionLifetime).
	SessionTTL time.Duration
	SSO        SSO      // publisher sign-in; off unless configured
	Passkeys   Passkeys // WebAuthn sign-in; on unless turned off

	// OIDC is sign-in with an OpenID Connect provider; off unless configured.
	OIDC OIDC
	// EmailSignIn is signing in by e-mail link; on unless turned off.
	EmailSignIn EmailSignIn
	// Privacy is what erasing an account does and how long address
	// hashes are kept.
	Privacy Privacy
	// RateLimit is how fast a reader may post; the zero value is the
	// default (DefaultRatePosts per DefaultRatePer).
	RateLimit RateLimit
	// Moderation is the site's pre-moderation rules, bot friction and
	// word list settings; the zero value holds nothing back.
	Moderation Moderation

	CreatedAt time.Time
}

// Validate returns EINVALID if the site cannot be stored as it is.
func (s *Site) Validate() error {
	switch {
	case !ValidID(s.ID):
		return Errorf(EINVALID, "A site ID is 1 to 128 letters, digits or ._~:- and starts with a letter or digit.")
	case len(s.Name) > 200:
		return Errorf(EINVALID, "A site name is at most 200 characters.")
	case s.EditWindow < 0 || s.EditWindow > 7*24*time.Hour:
		return Errorf(EINVALID, "The edit window must be between 0 and 7 days.")
	case s.MaxBodyLength < 1 || s.MaxBodyLength > MaxBodyLengthLimit:
		return Errorf(EINVALID, "The maximum comment length must be between 1 and %d characters.", MaxBodyLengthLimit)
	case s.SessionTTL != 0 && (s.SessionTTL < time.Minute || s.SessionTTL > 366*24*time.Hour):
		return Errorf(EINVALID, "The session lifetime must be between a minute and a year.")
	}
	if err := s.Privacy.Validate(); err != nil {
		return err
	}
	if err := s.RateLimit.Validate(); err != nil {
		return err
	}
	if err := s.Moderation.Validate(); err != nil {
		return err
	}
	for _, k := range s.SSO.Secrets {
		if k.KID == "" || len(k.KID) > 200 || len(k.Secret) < MinSSOSecretLength {
			return Errorf(EINVALID, "An SSO secret needs a kid and at least %d bytes.", MinSSOSecretLength)
		}
	}
	if !s.validRPID() {
		return Errorf(EINVALID, "The passkey RP ID must be the host of the site's first origin or a registrable suffix of it.").Keyed("passkeyRPID")
	}
	if u := s.SSO.JWKSURL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return Errorf(EINVALID, "The JWKS URL must be an http(s) URL.")
		}
	}
	if err := s.OIDC.Validate(); err != nil {
		return err
	}
	for _, o := range s.Origins {
		if !ValidOrigin(o) {
			return Errorf(EINVALID, "%q is not an origin as browsers send it, such as https://news.example (lower case, no path, no default port, xn-- for international names).", o)
		}
	}
	return nil
}

// SessionLifetime is how long a session of the site lasts unused.
func (s *Site) SessionLifetime() time.Duration {
	if s.SessionTTL == 0 {
		return DefaultSessionTTL
	}
	return s.SessionTTL
}

// AllowsOrigin reports whether a browser on origin may call the API for s.
func (s *Site) AllowsOrigin(origin string) bool {
	for _, o := range s.Origins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// ValidOrigin reports whether o is a bare http(s) origin written the way a
// browser sends it in the Origin header: scheme and host in lower case, an
// ASCII host (IDN in its xn-- form), a port only if it is not the scheme's
// default, no path, query or trailing slash. An origin written any other
// way (https://News.example, https://news.example:443, https://bücher.example)
// would be stored and then never match a browser, and the publisher would
// see the block refused with no clue why.
func ValidOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return false
	}
	if port := u.Port(); strings.HasSuffix(u.Host, ":") || u.Scheme == "https" && port == "443" || u.Scheme == "http" && port == "80" {
		return false
	}
	if strings.ContainsFunc(u.Host, func(c rune) bool { return c > 0x7e || 'A' <= c && c <= 'Z' }) {
		return false
	}
	return u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil &&
		o == u.Scheme+"://"+u.Host
}
