package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"parley"
)

// MaxPasskeysPerUser bounds the passkeys one reader may register: enough
// for every device they own, few enough that excludeCredentials stays small.
const MaxPasskeysPerUser = 20

// WithPublicOrigin names Parley's own origin (scheme://host[:port]). A
// passkey ceremony normally runs in the publisher's page, on one of the
// site's origins; where Parley's own host lies within a site's RP ID its
// pages may run one too.
func WithPublicOrigin(origin string) Option {
	return func(s *Service) { s.publicOrigin = origin }
}

// PasskeyOptions are what a browser needs to begin a ceremony: the
// ceremony's ID, to send back with the result, and the options for
// navigator.credentials.create or get, in their JSON form.
type PasskeyOptions struct {
	Ceremony  string
	PublicKey any
}

var (
	errPasskeysOff     = parley.Errorf(parley.EFORBIDDEN, "Passkeys are turned off on this site.").Keyed("passkeysOff")
	errPasskeyNoRP     = parley.Errorf(parley.EFORBIDDEN, "Passkeys need the site to have an allowed origin.").Keyed("passkeyNoOrigin")
	errPasskeySession  = parley.Errorf(parley.EUNAUTHORIZED, "Sign in on this site first.").Keyed("passkeySessionRequired")
	errPasskeyEmail    = parley.Errorf(parley.EFORBIDDEN, "To add a passkey, sign in with an e-mail link or another passkey first.").Keyed("passkeyNeedsEmailSignIn")
	errPasskeyLimit    = parley.Errorf(parley.ECONFLICT, "You have as many passkeys as you may have; remove one first.").Keyed("passkeyLimit")
	errPasskeyName     = parley.Errorf(parley.EINVALID, "A passkey's name is at most %d characters, without control characters.", parley.MaxPasskeyNameLength).Keyed("passkeyNameInvalid")
	errPasskeyExists   = parley.Errorf(parley.ECONFLICT, "This passkey is registered already.").Keyed("passkeyExists")
	errPasskeyNotFound = parley.Errorf(parley.ENOTFOUND, "You have no passkey of that ID.").Keyed("passkeyNotFound")
	errCeremonyUnknown = parley.Errorf(parley.EUNAUTHORIZED, "This passkey ceremony is unknown or was used already; start again.").Keyed("passkeyCeremonyUnknown")
	errCeremonyExpired = parley.Errorf(parley.EUNAUTHORIZED, "This passkey ceremony took too long; start again.").Keyed("passkeyCeremonyExpired")
	errCeremonyOther   = parley.Errorf(parley.EUNAUTHORIZED, "This passkey ceremony was begun for another site, person or step.").Keyed("passkeyCeremonyMismatch")
	errPasskeyBadJSON  = parley.Errorf(parley.EINVALID, "The credential is not a WebAuthn credential in its JSON form.").Keyed("passkeyMalformed")
	errPasskeyNotValid = parley.Errorf(parley.EINVALID, "The new passkey could not be verified.").Keyed("passkeyNotVerified")
)

// relyingParty returns the WebAuthn relying party of the site: its RP ID
// and the origins a ceremony may run on.
func (s *Service) relyingParty(site *parley.Site) (*webauthn.WebAuthn, error) {
	if site.Passkeys.Off {
		return nil, errPasskeysOff
	}
	rpID := site.PasskeyRPID()
	if rpID == "" {
		return nil, errPasskeyNoRP
	}
	origins := append([]string(nil), site.Origins...)
	if u, err := url.Parse(s.publicOrigin); err == nil && s.publicOrigin != "" && withinRPID(u.Hostname(), rpID) && !site.AllowsOrigin(s.publicOrigin) {
		origins = append(origins, s.publicOrigin)
	}
	name := site.Name
	if name == "" {
		name = site.ID
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID: rpID, RPDisplayName: name, RPOrigins: origins,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationPreferred,
		},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: parley.CeremonyTTL, TimeoutUVD: parley.CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Timeout: parley.CeremonyTTL, TimeoutUVD: parley.CeremonyTTL},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("passkey relying party of site %s: %w", site.ID, err)
	}
	return wa, nil
}

// withinRPID reports whether host may use passkeys of rpID.
func withinRPID(host, rpID string) bool {
	return host == rpID || strings.HasSuffix(host, "."+rpID)
}

// passkeySite returns the site, if a browser may use it from here.
func (s *Service) passkeySite(ctx context.Context, siteID string) (*parley.Site, *webauthn.WebAuthn, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, nil, err
	}
	wa, err := s.relyingParty(site)
	if err != nil {
		return nil, nil, err
	}
	return site, wa, nil
}

// sessionActor returns the caller, who must be signed in on the site with
// a session.
func sessionActor(ctx context.Context, site *parley.Site) (*parley.Actor, error) {
	a := parley.ActorFrom(ctx)
	if a == nil || a.Method != parley.MethodSession || a.SiteID != site.ID {
		return nil, errPasskeySession
	}
	return a, nil
}

// registeringActor returns the caller if they may add a passkey: a reader
// or staff member who signed in by an e-mail link or a passkey, since
// either proves they hold the account themselves. A session from the
// publisher's SSO or from OIDC may not: a passkey added there would outlive
// the publisher's own sign-out and checks.
func (s *Service) registeringActor(ctx context.Context, site *parley.Site) (*parley.Actor, error) {
	a, err := sessionActor(ctx, site)
	if err != nil {
		return nil, err
	}
	if a.SignedInBy != "email" && a.SignedInBy != parley.MethodPasskey {
		return nil, errPasskeyEmail
	}
	return a, nil
}

// passkeyUser is a user as the WebAuthn library sees them. The user
// handle is our user ID: unique, opaque and never shown.
type passkeyUser struct {
	u     *parley.User
	creds []webauthn.Credential
}

func (p *passkeyUser) WebAuthnID() []byte                         { return []byte(p.u.ID) }
func (p *passkeyUser) WebAuthnName() string                       { return p.u.Name }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.u.Name }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// newPasskeyUser returns u with their stored passkeys.
func newPasskeyUser(u *parley.User, keys []*parley.Passkey) *passkeyUser {
	p := &passkeyUser{u: u}
	for _, k := range keys {
		transports := make([]protocol.AuthenticatorTransport, len(k.Transports))
		for i, t := range k.Transports {
			transports[i] = protocol.AuthenticatorTransport(t)
		}
		p.creds = append(p.creds, webauthn.Credential{
			ID: k.CredentialID, PublicKey: k.PublicKey, Transport: transports,
			Flags:         webauthn.NewCredentialFlags(protocol.AuthenticatorFlags(k.Flags)),
			Authenticator: webauthn.Authenticator{AAGUID: k.AAGUID, SignCount: k.SignCount},
		})
	}
	return p
}

// beginCeremony stores the library's session data as a ceremony of the
// site and returns its ID.
func (s *Service) beginCeremony(ctx context.Context, site *parley.Site, kind, userID string, data *webauthn.SessionData) (string, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return "", fmt.Errorf("encode ceremony: %w", err)
	}
	now := s.now()
	token, hash := parley.NewCeremonyToken()
	c := &parley.Ceremony{Hash: hash, SiteID: site.ID, UserID: userID, Kind: kind, Data: raw, ExpiresAt: now.Add(parley.CeremonyTTL)}
	if err := s.store.CreateCeremony(ctx, c, now); err != nil {
		return "", fmt.Errorf("store ceremony: %w", err)
	}
	return token, nil
}

// takeCeremony takes the ceremony of token, once, and checks that it was
// begun on site for kind (and, for a registration, by userID) and has not
// expired. A ceremony is spent even when its finish fails: a challenge is
// answered once.
func (s *Service) takeCeremony(ctx context.Context, site *parley.Site, token, kind, userID string) (*webauthn.SessionData, error) {
	if !parley.WellFormedCeremonyToken(token) {
		return nil, errCeremonyUnknown
	}
	c, err := s.store.TakeCeremony(ctx, parley.HashCeremonyToken(token))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errCeremonyUnknown
	}
	if err != nil {
		return nil, fmt.Errorf("take ceremony: %w", err)
	}
	if c.SiteID != site.ID || c.Kind != kind || c.UserID != userID {
		return nil, errCeremonyOther
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, errCeremonyExpired
	}
	var data webauthn.SessionData
	if err := json.Unmarshal(c.Data, &data); err != nil {
		return nil, fmt.Errorf("decode ceremony: %w", err)
	}
	return &data, nil
}

// passkeyName is the name a reader gives a passkey, "Passkey" when none.
func passkeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "Passkey", nil
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > parley.MaxPasskeyNameLength ||
		strings.ContainsFunc(name, unicode.IsControl) {
		return "", errPasskeyName
	}
	return name, nil
}

// protocolDetail is what the WebAuthn library says went wrong, for logs.
func protocolDetail(err error) string {
	if pe, ok := errors.AsType[*protocol.Error](err); ok {
		return pe.Type + ": " + pe.Details + " " + pe.DevInfo
	}
	return err.Error()
}
