package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"parley"
)

// Discovery policy. A provider's configuration changes rarely, so it is
// kept for providerTTL. A discovery that fails is tried again at most once
// per providerRetry per issuer: a provider that is briefly down costs each
// sign-in in between an immediate refusal, not a wait for a timeout, and
// it costs the provider one request per providerRetry, not one per reader.
// A refetch that fails keeps the configuration we have.
const (
	providerTTL   = time.Hour
	providerRetry = 30 * time.Second
	oidcTimeout   = 5 * time.Second
	maxSubject    = 255 // OpenID Connect Core 1.0, 2: sub is at most 255 ASCII characters
	maxOIDCName   = 100
)

// OIDC signs readers in with a site's OpenID Connect provider: the
// authorization code flow with PKCE (S256), state and nonce, the ID token
// checked by go-oidc (signature against the provider's keys, issuer,
// audience, expiry) and its nonce by us. Discovery is cached per issuer.
// Every refusal is EUNAUTHORIZED with its own key; a provider that cannot
// be reached is EUNAVAILABLE (oidcUnavailable).
type OIDC struct {
	client *http.Client
	now    func() time.Time
	mu     sync.Mutex
	issuer map[string]*discovery
}

// discovery is one issuer's provider. Its mutex is held while fetching, so
// that concurrent sign-ins of one issuer wait for one fetch.
type discovery struct {
	mu       sync.Mutex
	provider *oidc.Provider // nil until a discovery succeeds
	err      error          // why the last discovery failed
	fetched  time.Time
	tried    time.Time
}

// NewOIDC returns a client that talks to providers with client (nil: one
// with a timeout of its own) and keeps time by now (nil: time.Now).
func NewOIDC(client *http.Client, now func() time.Time) *OIDC {
	if client == nil {
		client = &http.Client{Timeout: oidcTimeout}
	}
	if now == nil {
		now = time.Now
	}
	return &OIDC{client: client, now: now, issuer: map[string]*discovery{}}
}

// AuthURL returns where to send the reader to sign in at the site's
// provider, with the flow's state, nonce and the S256 challenge of its
// verifier; EUNAVAILABLE when the provider cannot be discovered.
func (o *OIDC) AuthURL(ctx context.Context, site *parley.Site, redirectURI, state, nonce, verifier string) (string, error) {
	p, err := o.provider(ctx, site.OIDC.Issuer)
	if err != nil {
		return "", err
	}
	if !secureEndpoint(p.Endpoint().AuthURL) {
		return "", parley.Errorf(parley.EUNAVAILABLE, "The provider's authorization endpoint %.200q is not https.", p.Endpoint().AuthURL).Keyed("oidcUnavailable")
	}
	return o.config(p, site, redirectURI).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), nil
}

// secureEndpoint reports whether a provider's endpoint may receive
// readers: https, or http on a loopback host, as for the issuer.
func secureEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	return parley.ValidIssuer(u.Scheme + "://" + u.Host + u.EscapedPath())
}

// Exchange trades the code for the provider's tokens, checks the ID token
// and its nonce, and returns what it says of the reader, completed from
// the userinfo endpoint when the ID token carries no profile.
func (o *OIDC) Exchange(ctx context.Context, site *parley.Site, redirectURI, code, verifier, nonce string) (*parley.OIDCClaims, error) {
	p, err := o.provider(ctx, site.OIDC.Issuer)
	if err != nil {
		return nil, err
	}
	ctx = oidc.ClientContext(ctx, o.client) // oauth2 and go-oidc both take the client from here
	tok, err := o.config(p, site, redirectURI).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if _, ok := errors.AsType[*oauth2.RetrieveError](err); ok {
		return nil, refuse("oidcExchangeFailed", "The sign-in provider did not accept the sign-in: %v", err)
	} else if err != nil {
		return nil, unavailable(site.OIDC.Issuer, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refuse("oidcBadToken", "The sign-in provider sent no ID token.")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: site.OIDC.ClientID, Now: o.now}).Verify(ctx, raw)
	if err != nil {
		return nil, refuse("oidcBadToken", "The ID token does not check out: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, refuse("oidcNonceMismatch", "The ID token is not for this sign-in (its nonce differs).")
	}
	var c profile
	if err := idt.Claims(&c); err != nil {
		return nil, refuse("oidcBadToken", "The ID token's claims do not parse: %v", err)
	}
	if idt.Subject == "" || len(idt.Subject) > maxSubject || !utf8.ValidString(idt.Subject) {
		return nil, refuse("oidcBadToken", "The ID token has no usable subject.")
	}
	if c.Name == "" && c.PreferredUsername == "" || c.Email == "" {
		if err := o.userInfo(ctx, p, tok, idt.Subject, &c); err != nil {
			return nil, err
		}
	}
	claims := &parley.OIDCClaims{Issuer: site.OIDC.Issuer, Subject: idt.Subject, Name: displayName(c.Name, c.PreferredUsername)}
	if c.EmailVerified && len(c.Email) <= 254 {
		claims.Email = c.Email
	}
	return claims, nil
}

// profile is what we read of the ID token and userinfo.
type profile struct {
	Name              string       `json:"name"`
	PreferredUsername string       `json:"preferred_username"`
	Email             string       `json:"email"`
	EmailVerified     verifiedFlag `json:"email_verified"`
}

// verifiedFlag is email_verified, which some providers send as a string.
type verifiedFlag bool

func (v *verifiedFlag) UnmarshalJSON(b []byte) error {
	var s any
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*v = verifiedFlag(s == true || s == "true")
	return nil
}

// userInfo fills c's missing profile from the userinfo endpoint, whose
// subject must be the ID token's: another sub's profile is refused.
func (o *OIDC) userInfo(ctx context.Context, p *oidc.Provider, tok *oauth2.Token, sub string, c *profile) error {
	if p.UserInfoEndpoint() == "" {
		return nil
	}
	info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return unavailable("userinfo", err)
	}
	if info.Subject != sub {
		return refuse("oidcBadToken", "The provider's userinfo is about another subject.")
	}
	var more profile
	if err := info.Claims(&more); err != nil {
		return refuse("oidcBadToken", "The provider's userinfo does not parse: %v", err)
	}
	if c.Name == "" && c.PreferredUsername == "" {
		c.Name, c.PreferredUsername = more.Name, more.PreferredUsername
	}
	if c.Email == "" {
		c.Email, c.EmailVerified = more.Email, more.EmailVerified
	}
	return nil
}

// displayName is the reader's name as the provider gives it, plain
// printable text of at most maxOIDCName characters, or "".
func displayName(name, username string) string {
	n := strings.TrimSpace(name)
	if n == "" {
		n = strings.TrimSpace(username)
	}
	n = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, n)
	if utf8.RuneCountInString(n) > maxOIDCName {
		n = string([]rune(n)[:maxOIDCName])
	}
	return strings.TrimSpace(n)
}

func (o *OIDC) config(p *oidc.Provider, site *parley.Site, redirectURI string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: site.OIDC.ClientID, ClientSecret: site.OIDC.Secret,
		Endpoint: p.Endpoint(), RedirectURL: redirectURI,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// provider returns the issuer's provider, discovered now or earlier.
func (o *OIDC) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	d := o.discovery(issuer)
	d.mu.Lock()
	defer d.mu.Unlock()
	now := o.now()
	if (d.provider == nil || now.Sub(d.fetched) >= providerTTL) && now.Sub(d.tried) >= providerRetry {
		d.tried = now
		p, err := o.discover(ctx, issuer)
		if err == nil {
			d.provider, d.fetched, d.err = p, now, nil
		} else {
			d.err = err
		}
	}
	if d.provider == nil {
		return nil, unavailable(issuer, d.err)
	}
	return d.provider, nil
}

func (o *OIDC) discovery(issuer string) *discovery {
	o.mu.Lock()
	defer o.mu.Unlock()
	d, ok := o.issuer[issuer]
	if !ok {
		d = &discovery{}
		o.issuer[issuer] = d
	}
	return d
}

// discover reads the issuer's discovery document. It outlives the request
// that asked (the next sign-in needs it too) but not oidcTimeout. go-oidc
// checks that the document names the issuer it was fetched for.
func (o *OIDC) discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oidcTimeout)
	defer cancel()
	return oidc.NewProvider(oidc.ClientContext(ctx, o.client), issuer)
}

// unavailable is the refusal for a provider that does not answer; the
// cause goes into the message for logs, which the API never shows for
// this code in other languages and the page never shows at all.
func unavailable(what string, err error) error {
	e := parley.Errorf(parley.EUNAVAILABLE, "The sign-in provider cannot be reached now.").Keyed("oidcUnavailable")
	return fmt.Errorf("oidc %s: %w: %w", what, err, e)
}
