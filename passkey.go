package parley

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// MethodPasskey is the Session.Method of a reader who signed in with a
// passkey (WebAuthn).
const MethodPasskey = "passkey"

// CeremonyTTL is how long a passkey ceremony may take from its options to
// its finish: long enough to find the phone, short enough that a
// challenge does not lie around.
const CeremonyTTL = 5 * time.Minute

// MaxPasskeyNameLength bounds the name a reader gives a passkey.
const MaxPasskeyNameLength = 100

// Passkeys are a site's settings for WebAuthn sign-in. The zero value is
// on, with the RP ID taken from the site's first origin: a site that never
// touched them offers passkeys.
type Passkeys struct {
	// Off turns passkeys off for the site.
	Off bool `json:"off,omitempty"`
	// RPID is the Relying Party ID the ceremonies run under: the host of
	// the site's first origin or a registrable suffix of it (news.example
	// for https://www.news.example), so that one passkey works on every
	// subdomain. "" means that host.
	RPID string `json:"rpID,omitempty"`
	// Staff makes staff, moderators and admins act with their role only
	// when their session was made by a passkey; otherwise they act as
	// commenters. A stolen e-mail inbox then does not make a moderator.
	Staff bool `json:"staff,omitempty"`
}

// PasskeyRPID returns the Relying Party ID of the site's passkeys, "" when
// it has none (no origin to take it from).
func (s *Site) PasskeyRPID() string {
	if s.Passkeys.RPID != "" {
		return s.Passkeys.RPID
	}
	if len(s.Origins) == 0 {
		return ""
	}
	u, err := url.Parse(s.Origins[0])
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// validRPID reports whether rpID may serve the site: the host of its first
// origin, or a suffix of that host on a label boundary that is more than a
// top-level label. Browsers also refuse a public suffix (co.uk), which
// this check, with no suffix list, does not know.
func (s *Site) validRPID() bool {
	rp := s.Passkeys.RPID
	if rp == "" {
		return true
	}
	if len(s.Origins) == 0 || strings.ToLower(rp) != rp {
		return false
	}
	u, err := url.Parse(s.Origins[0])
	if err != nil {
		return false
	}
	host := u.Hostname()
	return host == rp || strings.HasSuffix(host, "."+rp) && strings.Contains(rp, ".")
}

// Passkey is one WebAuthn credential of a user: what is needed to check its
// signatures, and what the owner sees in their list.
type Passkey struct {
	ID           string // ours, for the list and DELETE
	UserID       string
	SiteID       string
	CredentialID []byte // the authenticator's, unique per site
	PublicKey    []byte // COSE key
	SignCount    uint32 // the highest signature counter seen
	Transports   []string
	AAGUID       []byte
	// Flags are the authenticator data flags last seen (WebAuthn's UP
	// 0x01, UV 0x04, BE 0x08, BS 0x10): a credential whose backup
	// eligibility changes is refused.
	Flags      uint8
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used to sign in
}

// Ceremony is one begun passkey registration or sign-in, waiting for its
// finish, which may land on another instance: the challenge is kept in
// the database, by the hash of the ceremony's ID, and taken once.
type Ceremony struct {
	Hash      string // HashCeremonyToken of the ID the client holds
	SiteID    string
	UserID    string // who registers; "" for a sign-in
	Kind      string // CeremonyRegister or CeremonySignIn
	Data      []byte // the WebAuthn session data, JSON
	ExpiresAt time.Time
}

// The kinds of ceremony.
const (
	CeremonyRegister = "register"
	CeremonySignIn   = "signin"
)

// ceremonyTokens marks ceremony IDs; like sessions, the store keeps only
// their hash.
const ceremonyTokens tokenKind = "ppc_"

// NewCeremonyToken returns a new ceremony ID and the hash the store keeps.
func NewCeremonyToken() (token, hash string) { return ceremonyTokens.issue() }

// HashCeremonyToken is what the store keeps of a ceremony ID.
func HashCeremonyToken(token string) string { return hashToken(token) }

// WellFormedCeremonyToken reports whether s has the shape NewCeremonyToken
// gives, so that an ID that cannot exist is refused without a query.
func WellFormedCeremonyToken(s string) bool { return ceremonyTokens.wellFormed(s) }

// PasskeyStore keeps passkeys and their ceremonies; it is part of Tx.
type PasskeyStore interface {
	// CreatePasskey stores a passkey; ECONFLICT if its credential ID is
	// registered on the site already, ENOTFOUND if the user does not exist.
	CreatePasskey(ctx context.Context, p *Passkey) error
	// Passkeys returns a user's passkeys, oldest first.
	Passkeys(ctx context.Context, userID string) ([]*Passkey, error)
	// PasskeyByCredential returns the site's passkey of that credential
	// ID; ENOTFOUND.
	PasskeyByCredential(ctx context.Context, siteID string, credentialID []byte) (*Passkey, error)
	// UsePasskey records a sign-in with a passkey: its new sign count and
	// flags, and when; ENOTFOUND.
	UsePasskey(ctx context.Context, id string, signCount uint32, flags uint8, at time.Time) error
	// DeletePasskey removes a passkey of the user; ENOTFOUND if the user
	// has none of that ID.
	DeletePasskey(ctx context.Context, userID, id string) error
	// DeleteUserPasskeys removes every passkey of a user (account
	// erasure) and returns how many there were.
	DeleteUserPasskeys(ctx context.Context, userID string) (int, error)

	// CreateCeremony stores a begun ceremony and drops those that expired
	// before now, so that abandoned ceremonies do not pile up;
	// ECONFLICT if its hash is taken.
	CreateCeremony(ctx context.Context, c *Ceremony, now time.Time) error
	// TakeCeremony removes the ceremony of hash and returns it, expired or
	// not, so that it is used at most once; ENOTFOUND (also when taken
	// before).
	TakeCeremony(ctx context.Context, hash string) (*Ceremony, error)
}

// ActingRole is the role u acts with on the site when signed in by a
// session made by method (Session.Method): their own, except that a site
// with Passkeys.Staff lets staff, moderators and admins use it only from a
// passkey session, and treats them as commenters otherwise.
func (s *Site) ActingRole(u *User, method string) Role {
	role := u.UserRole()
	if s.Passkeys.Staff && role > RoleCommenter && method != MethodPasskey {
		return RoleCommenter
	}
	return role
}
