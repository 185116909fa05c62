package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"parley"
)

// SSO token limits. A token larger than maxSSOToken is refused before it
// is decoded: it costs nothing to send and would cost us to parse. skew is
// the clock difference tolerated between the publisher's server and ours
// for nbf and iat; exp has none, so that "expired" means expired.
const (
	maxSSOToken = 8 << 10
	skew        = 60 * time.Second
)

// SSO verifies publisher SSO tokens (JWTs) against a site's keys: HS256
// secrets stored with the site, or RS256, ES256 and EdDSA keys from the
// site's JWKS URL, cached (see JWKS). Every refusal is EUNAUTHORIZED with
// its own Key, so that a publisher debugging their integration learns
// exactly what is wrong, and none is a 500.
type SSO struct {
	jwks *JWKS
	now  func() time.Time
}

// NewSSO returns a verifier that fetches JWKS through jwks; now is its
// clock (nil: time.Now).
func NewSSO(jwks *JWKS, now func() time.Time) *SSO {
	if now == nil {
		now = time.Now
	}
	return &SSO{jwks: jwks, now: now}
}

// refuse is a refusal with its key.
func refuse(key, format string, args ...any) error {
	return parley.Errorf(parley.EUNAUTHORIZED, format, args...).Keyed(key)
}

// header is the part of the JOSE header we look at before trusting it.
type header struct {
	Alg string          `json:"alg"`
	KID string          `json:"kid"`
	JKU json.RawMessage `json:"jku"`
	X5U json.RawMessage `json:"x5u"`
	JWK json.RawMessage `json:"jwk"`
	X5C json.RawMessage `json:"x5c"`
}

// Verify returns what a valid token for site says about its reader.
func (v *SSO) Verify(ctx context.Context, site *parley.Site, token string) (*parley.SSOClaims, error) {
	if !site.SSO.Enabled() {
		return nil, refuse("ssoOff", "Site %s does not accept SSO tokens.", site.ID)
	}
	if len(token) > maxSSOToken {
		return nil, refuse("ssoTooLarge", "An SSO token is at most %d bytes.", maxSSOToken)
	}
	h, err := peekHeader(token)
	if err != nil {
		return nil, err
	}
	key, err := v.key(ctx, site, h)
	if err != nil {
		return nil, err
	}
	var claims ssoClaims
	_, err = jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{h.Alg}), jwt.WithoutClaimsValidation(), jwt.WithJSONNumber())
	if err != nil {
		return nil, parseRefusal(err)
	}
	return claims.check(site, v.now())
}

// peekHeader decodes the token's header to choose the key, and refuses
// what no key may be chosen for: alg none, keys named by the token itself.
func peekHeader(token string) (*header, error) {
	head, _, ok := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	var h header
	if !ok || err != nil || json.Unmarshal(raw, &h) != nil || strings.Count(token, ".") != 2 {
		return nil, refuse("ssoMalformed", "The SSO token is not a signed JWT (header.payload.signature).")
	}
	switch {
	case strings.EqualFold(h.Alg, "none") || h.Alg == "":
		return nil, refuse("ssoAlgNone", "An SSO token must be signed; alg none is refused.")
	case h.JKU != nil || h.X5U != nil || h.JWK != nil || h.X5C != nil:
		return nil, refuse("ssoForeignKey", "An SSO token may not name its own key (jku, x5u, jwk, x5c): the site's keys are configured in Parley.")
	}
	return &h, nil
}

// key returns the site's key for the token's alg and kid.
func (v *SSO) key(ctx context.Context, site *parley.Site, h *header) (any, error) {
	switch h.Alg {
	case "HS256":
		if len(site.SSO.Secrets) == 0 {
			if site.SSO.JWKSURL != "" {
				return nil, refuse("ssoAlgConfusion", "The site's keys are public keys; an HMAC token (HS256) is refused.")
			}
			return nil, refuse("ssoAlgNotAllowed", "The site does not accept HS256 tokens.")
		}
		kid := h.KID
		if kid == "" && len(site.SSO.Secrets) == 1 {
			kid = site.SSO.Secrets[0].KID
		}
		if secret, ok := site.SSO.Secret(kid); ok {
			return secret, nil
		}
		return nil, refuse("ssoUnknownKid", "The site has no HS256 secret with kid %q.", h.KID)
	case "RS256", "ES256", "EdDSA":
		if site.SSO.JWKSURL == "" {
			return nil, refuse("ssoAlgNotAllowed", "The site does not accept %s tokens (it has no JWKS URL).", h.Alg)
		}
		key, err := v.jwks.Key(ctx, site.SSO.JWKSURL, h.KID)
		if err != nil {
			return nil, err
		}
		if !keyFits(h.Alg, key) {
			return nil, refuse("ssoAlgConfusion", "The key with kid %q is not a key for %s.", h.KID, h.Alg)
		}
		return key, nil
	}
	return nil, refuse("ssoAlgNotAllowed", "SSO tokens are signed with HS256, RS256, ES256 or EdDSA, not %.20q.", h.Alg)
}

// keyFits reports whether key is of the kind alg signs with, so that a
// token cannot pick a key of another kind by its kid.
func keyFits(alg string, key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return alg == "RS256"
	case *ecdsa.PublicKey:
		return alg == "ES256" && k.Curve.Params().Name == "P-256"
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// parseRefusal names what the JWT library refused; the claims are checked
// by us, so only the token's shape and signature remain.
func parseRefusal(err error) error {
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		return refuse("ssoBadSignature", "The SSO token's signature does not match the site's key.")
	}
	if errors.Is(err, jwt.ErrTokenUnverifiable) {
		return refuse("ssoAlgNotAllowed", "The SSO token cannot be verified with the site's keys.")
	}
	return refuse("ssoMalformed", "The SSO token cannot be read: %s", strings.TrimPrefix(err.Error(), "token is malformed: "))
}

// ssoClaims are the token's claims as sent; check turns them into
// parley.SSOClaims after every rule.
type ssoClaims struct {
	Sub    string           `json:"sub"`
	Name   string           `json:"name"`
	Email  string           `json:"email"`
	Badges []string         `json:"badges"`
	Role   string           `json:"role"`
	JTI    string           `json:"jti"`
	Iss    string           `json:"iss"`
	Aud    jwt.ClaimStrings `json:"aud"`
	Exp    *jwt.NumericDate `json:"exp"`
	Nbf    *jwt.NumericDate `json:"nbf"`
	Iat    *jwt.NumericDate `json:"iat"`
}

// The jwt.Claims methods; validation is turned off and done in check.
func (c *ssoClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.Exp, nil }
func (c *ssoClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.Iat, nil }
func (c *ssoClaims) GetNotBefore() (*jwt.NumericDate, error)      { return c.Nbf, nil }
func (c *ssoClaims) GetIssuer() (string, error)                   { return c.Iss, nil }
func (c *ssoClaims) GetSubject() (string, error)                  { return c.Sub, nil }
func (c *ssoClaims) GetAudience() (jwt.ClaimStrings, error)       { return c.Aud, nil }

// check applies the time, audience, issuer and subject rules.
func (c *ssoClaims) check(site *parley.Site, now time.Time) (*parley.SSOClaims, error) {
	switch {
	case c.Exp == nil:
		return nil, refuse("ssoNoExpiry", "An SSO token needs exp.")
	case !now.Before(c.Exp.Time):
		return nil, refuse("ssoExpired", "The SSO token has expired.")
	case c.Nbf != nil && now.Add(skew).Before(c.Nbf.Time):
		return nil, refuse("ssoNotYetValid", "The SSO token is not valid yet (nbf).")
	case c.Iat != nil && now.Add(skew).Before(c.Iat.Time):
		return nil, refuse("ssoIssuedInFuture", "The SSO token was issued in the future (iat); check the server's clock.")
	case !audience(c.Aud, site.ID):
		return nil, refuse("ssoWrongAudience", "The SSO token's aud must be the site ID %q.", site.ID)
	case site.SSO.Issuer != "" && c.Iss != site.SSO.Issuer:
		return nil, refuse("ssoWrongIssuer", "The SSO token's iss must be %q.", site.SSO.Issuer)
	case strings.TrimSpace(c.Sub) == "":
		return nil, refuse("ssoNoSubject", "An SSO token needs sub, the reader's stable ID.")
	}
	return c.claims(site)
}

// claims bounds the profile claims; what is out of bounds is refused, not
// cut, so the publisher sees it.
func (c *ssoClaims) claims(site *parley.Site) (*parley.SSOClaims, error) {
	if len(c.Sub) > 255 || len(c.JTI) > 255 || len(c.Email) > 320 || utf8.RuneCountInString(c.Name) > 100 || len(c.Badges) > 10 {
		return nil, refuse("ssoClaimTooLong", "sub and jti are at most 255 bytes, email 320, name 100 characters, and there are at most 10 badges.")
	}
	for _, b := range c.Badges {
		if b == "" || len(b) > 40 || !utf8.ValidString(b) {
			return nil, refuse("ssoBadBadge", "A badge is 1 to 40 bytes of text.")
		}
	}
	out := &parley.SSOClaims{Subject: c.Sub, Name: c.Name, Email: c.Email, Badges: c.Badges, TokenID: c.JTI, ExpiresAt: c.Exp.Time.UTC()}
	if site.SSO.Roles && c.Role != "" {
		if _, err := parley.ParseRole(c.Role); err != nil {
			return nil, refuse("ssoBadRole", "The role claim must be commenter, staff, moderator or admin.")
		}
		out.Role = c.Role
	}
	return out, nil
}

func audience(aud jwt.ClaimStrings, siteID string) bool {
	for _, a := range aud {
		if a == siteID {
			return true
		}
	}
	return false
}
