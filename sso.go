package parley

import "time"

// SSO is how a site's publisher signs its readers in with their own login:
// its server signs a JWT for the reader, which Parley exchanges for a
// session. A site has HMAC secrets, a JWKS URL, or both; with neither, SSO
// is off.
type SSO struct {
	// Secrets are the HS256 keys by kid. Several at once let a publisher
	// rotate: add the new one, move its servers over, drop the old one.
	Secrets []SSOSecret `json:"secrets,omitempty"`
	// JWKSURL is where the publisher's public keys (RS256, ES256, EdDSA)
	// are published.
	JWKSURL string `json:"jwksURL,omitempty"`
	// Issuer, when set, is the iss every token must carry.
	Issuer string `json:"issuer,omitempty"`
	// Roles lets the token's role claim (staff, moderator, admin) give the
	// reader that role; off, every SSO reader is a commenter.
	Roles bool `json:"roles,omitempty"`
}

// SSOSecret is one HS256 key and its kid.
type SSOSecret struct {
	KID    string `json:"kid"`
	Secret string `json:"secret"`
}

// Enabled reports whether the site accepts SSO tokens at all.
func (s SSO) Enabled() bool { return len(s.Secrets) > 0 || s.JWKSURL != "" }

// Secret returns the HS256 secret named kid.
func (s SSO) Secret(kid string) ([]byte, bool) {
	for _, k := range s.Secrets {
		if k.KID == kid {
			return []byte(k.Secret), true
		}
	}
	return nil, false
}

// MinSSOSecretLength is the shortest HS256 secret a site may have: RFC 7518
// asks for at least as many bytes as the hash has (32).
const MinSSOSecretLength = 32

// SSOClaims are what a verified SSO token says about its reader.
type SSOClaims struct {
	Subject   string
	Name      string
	Email     string
	Badges    []string
	Role      string // "" unless the token carries one
	TokenID   string // jti, "" when absent
	ExpiresAt time.Time
}
