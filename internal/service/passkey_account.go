package service

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/go-webauthn/webauthn/webauthn"

	"parley"
)

// passkeyOwner returns the site's passkey of credentialID and its user,
// who must be the one the authenticator names by userHandle.
func (s *Service) passkeyOwner(ctx context.Context, site *parley.Site, credentialID, userHandle []byte) (*parley.Passkey, *parley.User, error) {
	key, err := s.store.PasskeyByCredential(ctx, site.ID, credentialID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, errPasskeyUnknown
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find passkey: %w", err)
	}
	if len(userHandle) == 0 || subtle.ConstantTimeCompare(userHandle, []byte(key.UserID)) != 1 {
		return nil, nil, errPasskeyUnknown
	}
	u, err := s.store.User(ctx, key.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("passkey owner: %w", err)
	}
	return key, u, nil
}

// passkeySession records the passkey's use and stores the new session, in
// one unit: a sign-in that fails to store its session leaves the counter
// where it was.
func (s *Service) passkeySession(ctx context.Context, site *parley.Site, key *parley.Passkey, u *parley.User, cred *webauthn.Credential) (*SignedIn, error) {
	now := s.now()
	token, hash := parley.NewSessionToken()
	se := &parley.Session{Hash: hash, UserID: u.ID, SiteID: site.ID, Method: parley.MethodPasskey, CreatedAt: now, ExpiresAt: now.Add(site.SessionLifetime())}
	err := s.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.UsePasskey(ctx, key.ID, cred.Authenticator.SignCount, uint8(cred.Flags.ProtocolValue()), now); err != nil {
			return fmt.Errorf("record passkey use: %w", err)
		}
		if err := tx.CreateSession(ctx, se); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SignedIn{Session: token, ExpiresAt: se.ExpiresAt, User: actingUser(site, u, se.Method)}, nil
}

// MyPasskeys returns the signed-in caller's passkeys on the site.
func (s *Service) MyPasskeys(ctx context.Context, siteID string) ([]*parley.Passkey, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return nil, err
	}
	a, err := sessionActor(ctx, site)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.Passkeys(ctx, a.User.ID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return keys, nil
}

// DeleteMyPasskey removes one of the signed-in caller's passkeys. Any
// session may: removing a passkey takes access away, it gives none.
func (s *Service) DeleteMyPasskey(ctx context.Context, siteID, id string) error {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return err
	}
	a, err := sessionActor(ctx, site)
	if err != nil {
		return err
	}
	if !parley.ValidID(id) {
		return errPasskeyNotFound
	}
	if err := s.store.DeletePasskey(ctx, a.User.ID, id); parley.ErrorCode(err) == parley.ENOTFOUND {
		return errPasskeyNotFound
	} else if err != nil {
		return fmt.Errorf("delete passkey: %w", err)
	}
	return nil
}

// PasskeyRequired reports whether the caller holds a role on the site that
// they cannot use now because the site wants staff to sign in with a
// passkey and they did not (see parley.Site.ActingRole), so that the
// widget can ask them to.
func (s *Service) PasskeyRequired(ctx context.Context, siteID string) bool {
	a := parley.ActorFrom(ctx)
	if a == nil || a.SiteID != siteID {
		return false
	}
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return false
	}
	return site.Passkeys.Staff && a.Role < a.User.UserRole()
}
