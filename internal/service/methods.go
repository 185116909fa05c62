package service

import (
	"context"

	"parley"
)

// SignInMethods are the ways a site's readers may sign in, as the widget
// offers them. Nothing in it is personal or secret: it is public and may
// be cached briefly.
type SignInMethods struct {
	Anonymous bool        // post under a display name, no account
	SSO       bool        // the publisher's own login (a token from the page)
	Email     bool        // a link by e-mail
	OIDC      *OIDCMethod // nil when the site has no OIDC provider
	Passkey   bool
}

// OIDCMethod is the site's OpenID Connect provider as readers see it.
type OIDCMethod struct {
	Name string // shown as "Sign in with <Name>"
}

// SignInMethods returns the sign-in methods siteID offers; ENOTFOUND.
func (s *Service) SignInMethods(ctx context.Context, siteID string) (*SignInMethods, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return s.signInMethods(site), nil
}

// signInMethods decides, one line per method, what site offers: a method
// is offered only when both the site and the server are set up for it.
func (s *Service) signInMethods(site *parley.Site) *SignInMethods {
	return &SignInMethods{
		Anonymous: site.AllowAnonymous,
		SSO:       s.sso != nil && site.SSO.Enabled(),
		Email:     s.links != nil && s.links.cfg.Mail && !site.EmailSignIn.Off,
		OIDC:      s.oidcMethod(site),
		Passkey:   !site.Passkeys.Off && len(site.Origins) > 0,
	}
}

// oidcMethod is the site's OIDC provider as the widget shows it; nil when off.
func (s *Service) oidcMethod(site *parley.Site) *OIDCMethod {
	if name := s.OIDCName(site); name != "" {
		return &OIDCMethod{Name: name}
	}
	return nil
}
