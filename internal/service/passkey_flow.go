package service

import (
	"context"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"parley"
)

// PasskeyRegisterOptions begins adding a passkey for the signed-in caller:
// a discoverable credential (resident key required, so that signing in
// needs no name), user verification preferred, and none of the caller's
// passkeys again. limit is asked before the ceremony is stored.
func (s *Service) PasskeyRegisterOptions(ctx context.Context, siteID string, limit Limit) (*PasskeyOptions, error) {
	site, wa, err := s.passkeySite(ctx, siteID)
	if err != nil {
		return nil, err
	}
	a, err := s.registeringActor(ctx, site)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.Passkeys(ctx, a.User.ID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	if len(keys) >= MaxPasskeysPerUser {
		return nil, errPasskeyLimit
	}
	if err := limit.take(); err != nil {
		return nil, err
	}
	user := newPasskeyUser(a.User, keys)
	exclude := webauthn.Credentials(user.creds).CredentialDescriptors()
	creation, data, err := wa.BeginRegistration(user, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired))
	if err != nil {
		return nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	id, err := s.beginCeremony(ctx, site, parley.CeremonyRegister, a.User.ID, data)
	if err != nil {
		return nil, err
	}
	return &PasskeyOptions{Ceremony: id, PublicKey: creation.Response}, nil
}

// RegisterPasskey finishes adding a passkey: credential is the JSON of the
// browser's PublicKeyCredential, answering the ceremony's options.
func (s *Service) RegisterPasskey(ctx context.Context, siteID, ceremony, name string, credential []byte) (*parley.Passkey, error) {
	site, wa, err := s.passkeySite(ctx, siteID)
	if err != nil {
		return nil, err
	}
	a, err := s.registeringActor(ctx, site)
	if err != nil {
		return nil, err
	}
	if name, err = passkeyName(name); err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, errPasskeyBadJSON
	}
	data, err := s.takeCeremony(ctx, site, ceremony, parley.CeremonyRegister, a.User.ID)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.Passkeys(ctx, a.User.ID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	cred, err := wa.CreateCredential(newPasskeyUser(a.User, keys), *data, parsed)
	if err != nil {
		s.log.InfoContext(ctx, "passkey registration refused", "site", site.ID, "user", a.User.ID, "why", protocolDetail(err))
		return nil, errPasskeyNotValid
	}
	now := s.now()
	p := &parley.Passkey{
		ID: parley.NewID(now), UserID: a.User.ID, SiteID: site.ID, CredentialID: cred.ID, PublicKey: cred.PublicKey,
		SignCount: cred.Authenticator.SignCount, AAGUID: cred.Authenticator.AAGUID,
		Flags: uint8(cred.Flags.ProtocolValue()), Name: name, CreatedAt: now,
	}
	for _, t := range cred.Transport {
		p.Transports = append(p.Transports, string(t))
	}
	if err := s.store.CreatePasskey(ctx, p); parley.ErrorCode(err) == parley.ECONFLICT {
		return nil, errPasskeyExists
	} else if err != nil {
		return nil, fmt.Errorf("store passkey: %w", err)
	}
	return p, nil
}

// PasskeySignInOptions begins a sign-in with a passkey. Nobody is named:
// the browser offers the passkeys it holds for the site (a discoverable
// credential, empty allowCredentials), so that no one learns whether an
// account exists. limit is asked before the ceremony is stored.
func (s *Service) PasskeySignInOptions(ctx context.Context, siteID string, limit Limit) (*PasskeyOptions, error) {
	site, wa, err := s.passkeySite(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if err := limit.take(); err != nil {
		return nil, err
	}
	assertion, data, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, fmt.Errorf("begin passkey sign-in: %w", err)
	}
	id, err := s.beginCeremony(ctx, site, parley.CeremonySignIn, "", data)
	if err != nil {
		return nil, err
	}
	return &PasskeyOptions{Ceremony: id, PublicKey: assertion.Response}, nil
}

var (
	errPasskeyUnknown = parley.Errorf(parley.EUNAUTHORIZED, "This passkey is not registered on this site.").Keyed("passkeyUnknown")
	errPasskeyRefused = parley.Errorf(parley.EUNAUTHORIZED, "The passkey's answer could not be verified.").Keyed("passkeyRefused")
	errPasskeyCloned  = parley.Errorf(parley.EUNAUTHORIZED, "This passkey's counter went backwards, as a copied authenticator's does; it is refused.").Keyed("passkeyCloned")
)

// SignInWithPasskey finishes a passkey sign-in: it checks the assertion
// against the passkey it names, refuses one whose signature counter did
// not move forward (a cloned authenticator), and in one unit records the
// new count and stores a session of Method "passkey".
func (s *Service) SignInWithPasskey(ctx context.Context, siteID, ceremony string, credential []byte) (*SignedIn, error) {
	site, wa, err := s.passkeySite(ctx, siteID)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return nil, errPasskeyBadJSON
	}
	data, err := s.takeCeremony(ctx, site, ceremony, parley.CeremonySignIn, "")
	if err != nil {
		return nil, err
	}
	key, u, err := s.passkeyOwner(ctx, site, parsed.RawID, parsed.Response.UserHandle)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	user := newPasskeyUser(u, keys)
	// The ceremony named nobody; now that the passkey names its owner, the
	// check is the one of a sign-in by a known user.
	data.UserID = user.WebAuthnID()
	cred, err := wa.ValidateLogin(user, *data, parsed)
	if err != nil {
		s.log.InfoContext(ctx, "passkey sign-in refused", "site", site.ID, "user", u.ID, "why", protocolDetail(err))
		return nil, errPasskeyRefused
	}
	if cred.Authenticator.CloneWarning {
		s.log.WarnContext(ctx, "passkey counter went backwards", "site", site.ID, "user", u.ID, "passkey", key.ID)
		return nil, errPasskeyCloned
	}
	return s.passkeySession(ctx, site, key, u, cred)
}
