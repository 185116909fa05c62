package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parley"
)

// Identity names a person by the way they sign in, before or after they
// first did: an e-mail address or a publisher's SSO sub. Exactly one is set.
type Identity struct {
	Email  string
	SSOSub string
}

// subject returns the identity subject and, for an address, the address
// lower-cased; EINVALID unless exactly one of the two is set and valid.
func (id Identity) subject() (subject, address string, err error) {
	switch {
	case id.Email != "" && id.SSOSub != "", id.Email == "" && id.SSOSub == "":
		return "", "", parley.Errorf(parley.EINVALID, "Name the person by e-mail address or by SSO sub, one of the two.")
	case id.SSOSub != "":
		if len(id.SSOSub) > 255 || strings.TrimSpace(id.SSOSub) != id.SSOSub {
			return "", "", parley.Errorf(parley.EINVALID, "An SSO sub is at most 255 characters, without surrounding spaces.")
		}
		return ssoSubject(id.SSOSub), "", nil
	}
	address, ok := NormalizeEmail(id.Email)
	if !ok {
		return "", "", errEmailInvalid
	}
	return emailSubject(address), address, nil
}

// RoleChange is what SetRole did.
type RoleChange struct {
	Subject string       // the identity, as "email:…" or "sso:…"
	User    *parley.User // nil when a role was taken from nobody
	Old     parley.Role
	New     parley.Role
	Created bool // the person had no account yet; their first sign-in finds it
}

// SetRole gives the person role on the site (RoleCommenter takes a role
// back). A person without an account yet gets one, with their identity,
// so that their first sign-in finds the role waiting. Sessions read the
// role with every request, so it holds from the next request on.
func (s *Service) SetRole(ctx context.Context, siteID string, id Identity, role parley.Role) (*RoleChange, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	subject, address, err := id.subject()
	if err != nil {
		return nil, err
	}
	var out *RoleChange
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		out, err = setRole(ctx, tx, site, subject, address, role, s.now())
		return err
	})
	return out, err
}

// setRole finds or makes the subject's user and gives them role.
func setRole(ctx context.Context, tx parley.Tx, site *parley.Site, subject, address string, role parley.Role, now time.Time) (*RoleChange, error) {
	u, err := tx.IdentityUser(ctx, site.ID, subject)
	created := parley.ErrorCode(err) == parley.ENOTFOUND
	switch {
	case created && role == parley.RoleCommenter:
		return &RoleChange{Subject: subject, Old: role, New: role}, nil
	case created && address != "":
		u, err = emailUser(ctx, tx, site, address, now)
	case created:
		u = &parley.User{ID: parley.NewID(now), SiteID: site.ID, Name: "Reader", Role: parley.RoleCommenter, CreatedAt: now}
		if err = tx.CreateUser(ctx, u); err == nil {
			err = tx.CreateIdentity(ctx, site.ID, subject, u.ID, now)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", subject, err)
	}
	change := &RoleChange{Subject: subject, User: u, Old: u.UserRole(), New: role, Created: created}
	if change.Old != role {
		u.Role = role
		if err := tx.UpdateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("set role: %w", err)
		}
	}
	return change, nil
}

// Bootstrap is the first admin of a site and the link that signs them in.
type Bootstrap struct {
	Change *RoleChange
	Link   string // valid parley.SignInLinkTTL, once
}

// BootstrapAdmin makes the person with address an admin of the site and
// returns a sign-in link for them, without sending mail: the first admin
// of a site has nobody who could grant them the role. ECONFLICT when the
// site has another admin already, unless force; an admin who lost their
// link may ask for a new one.
func (s *Service) BootstrapAdmin(ctx context.Context, siteID, email string, force bool) (*Bootstrap, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	address, ok := NormalizeEmail(email)
	if !ok {
		return nil, errEmailInvalid
	}
	if s.links == nil {
		return nil, fmt.Errorf("bootstrap: no sign-in links configured")
	}
	now := s.now()
	l, token, err := s.links.newLink(ctx, site, address, "", "", now)
	if err != nil {
		return nil, err
	}
	out := &Bootstrap{Link: s.links.url(token)}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		admins, err := tx.UsersByRole(ctx, site.ID, parley.RoleAdmin, 100)
		if err != nil {
			return fmt.Errorf("find admins: %w", err)
		}
		if len(admins) > 0 && !force && !slices.ContainsFunc(admins, func(u *parley.User) bool { return u.Email == address }) {
			return parley.Errorf(parley.ECONFLICT, "Site %s already has an admin (%s). An admin can grant the role with parley user grant; to add one anyway, use --force.", site.ID, admins[0].Name)
		}
		if out.Change, err = setRole(ctx, tx, site, emailSubject(address), address, parley.RoleAdmin, now); err != nil {
			return err
		}
		if err := tx.CreateSignInLink(ctx, l); err != nil {
			return fmt.Errorf("create link: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
