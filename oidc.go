package parley

import (
	"context"
	"net"
	"net/url"
	"strings"
	"time"
)

// MethodOIDC is the Session.Method of a reader who signed in with the
// site's OpenID Connect provider.
const MethodOIDC = "oidc"

// OIDC is a site's OpenID Connect provider, for sites without a login of
// their own: readers sign in there and Parley learns who they are from the
// ID token. With no Issuer, OIDC is off.
type OIDC struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer   string `json:"issuer,omitempty"`
	ClientID string `json:"clientID,omitempty"`
	// Secret is the client secret; empty for a public client, which PKCE
	// alone protects.
	Secret string `json:"secret,omitempty"`
	// Name is what the sign-in button calls the provider ("Example Login").
	Name string `json:"name,omitempty"`
}

// Enabled reports whether the site signs readers in with OIDC at all.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

// Validate returns EINVALID unless the settings can be used: an issuer that
// is https (http only on a loopback host, for tests and a provider on the
// same machine: anywhere else the ID token could be read and changed on
// the way), a client ID, and bounded sizes.
func (o OIDC) Validate() error {
	if !o.Enabled() {
		if o.ClientID != "" || o.Secret != "" {
			return Errorf(EINVALID, "OIDC settings need an issuer.")
		}
		return nil
	}
	switch {
	case !ValidIssuer(o.Issuer):
		return Errorf(EINVALID, "The OIDC issuer must be an https URL without query or fragment (http only for localhost).")
	case o.ClientID == "" || len(o.ClientID) > 255 || strings.ContainsAny(o.ClientID, "\x00\r\n"):
		return Errorf(EINVALID, "The OIDC client ID must be 1 to 255 characters.")
	case len(o.Secret) > 1024:
		return Errorf(EINVALID, "The OIDC client secret must be at most 1024 characters.")
	case len(o.Name) > 100:
		return Errorf(EINVALID, "The OIDC display name must be at most 100 characters.")
	}
	return nil
}

// ValidIssuer reports whether issuer may be a site's OIDC issuer: an
// absolute https URL (http with a loopback host), no user, query or
// fragment, at most 500 bytes.
func ValidIssuer(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil || len(issuer) > 500 || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#") {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

// isLoopback reports whether host names this machine itself.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// OIDCSubject is the identity subject of an OIDC user: the issuer keeps
// the subs of two providers apart (each promises uniqueness only within
// itself), and the prefix keeps them apart from SSO and e-mail subjects.
func OIDCSubject(issuer, sub string) string { return "oidc:" + issuer + "#" + sub }

// OIDCFlowTTL is how long a reader has between opening the sign-in popup
// and coming back from the provider.
const OIDCFlowTTL = 10 * time.Minute

// OIDCFlow is one sign-in under way: what the start remembered for the
// callback. It lives in the database, not in memory, since the callback may
// reach another instance than the start did.
type OIDCFlow struct {
	// StateHash is the hash of the state parameter (HashOIDCState): a
	// database dump holds no state that could finish someone's sign-in.
	StateHash string
	SiteID    string
	Nonce     string // what the ID token must carry
	Verifier  string // the PKCE code verifier
	Origin    string // the opener's origin, where the result is posted
	Lang      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// oidcStates marks the state parameter so that it is recognizable in logs.
const oidcStates tokenKind = "pos_"

// NewOIDCState returns a new state parameter and the hash the store keeps.
func NewOIDCState() (state, hash string) { return oidcStates.issue() }

// HashOIDCState is what the store keeps of a state parameter.
func HashOIDCState(state string) string { return hashToken(state) }

// WellFormedOIDCState reports whether s has the shape NewOIDCState gives,
// so that a state that cannot exist is refused without a query.
func WellFormedOIDCState(s string) bool { return oidcStates.wellFormed(s) }

// OIDCClaims are what a verified ID token (and the provider's userinfo)
// say about the reader.
type OIDCClaims struct {
	Issuer  string
	Subject string
	Name    string // name, else preferred_username
	Email   string // only when the provider says it is verified
}

// OIDCFlows keeps the OIDC sign-ins under way.
type OIDCFlows interface {
	// CreateOIDCFlow stores a flow, and deletes the flows that expired
	// before f.CreatedAt, so that abandoned sign-ins do not pile up;
	// ECONFLICT if its StateHash is taken.
	CreateOIDCFlow(ctx context.Context, f *OIDCFlow) error
	// TakeOIDCFlow deletes the flow whose StateHash is hash and returns it:
	// a flow is used once, on whichever instance asks first. ENOTFOUND if
	// there is none, or it had expired at now.
	TakeOIDCFlow(ctx context.Context, hash string, now time.Time) (*OIDCFlow, error)
}
