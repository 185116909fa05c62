package parley

import (
	"context"
	"time"
)

// MethodEmail is the Session.Method of a reader who signed in with a link
// sent to their address.
const MethodEmail = "email"

// Lifetimes of the single-use secrets of signing in. A link waits in a
// mailbox, so it gets the time a reader needs to switch to their mail and
// back; a code only crosses one redirect, so it lives just long enough for
// the page it lands on to exchange it.
const (
	SignInLinkTTL = 15 * time.Minute
	SignInCodeTTL = 2 * time.Minute
)

// SignInLink is a single-use e-mail sign-in link, known by its hash only:
// the token travels in the mail, never into the database.
type SignInLink struct {
	Hash   string // HashSignInLink of the token
	SiteID string
	// Email is the lower-cased address the link was sent to: the identity
	// "email:"+Email it signs in.
	Email string
	// AddressKey is a keyed hash of Email, which the rate limit counts
	// by; it is indexed where the address itself is not.
	AddressKey string
	Return     string // the checked page to send the reader back to; "" for none
	Lang       string // the reader's language, for the pages the link opens
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time // zero until the link is used
}

// SignInCode is a single-use code that one sign-in hands to the page the
// reader returns to, which exchanges it for a session of UserID. The
// session is made at the exchange: until then no session exists that
// nobody holds.
type SignInCode struct {
	Hash      string // HashSignInCode of the code
	SiteID    string
	UserID    string
	Method    string // the Session.Method the exchange gives
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SignIns stores the single-use secrets of signing in, and finds the
// people that roles are given to.
type SignIns interface {
	// CreateSignInLink stores a link; ECONFLICT if its hash is taken.
	CreateSignInLink(ctx context.Context, l *SignInLink) error
	// SignInLink returns a link, used or expired or not; ENOTFOUND.
	SignInLink(ctx context.Context, hash string) (*SignInLink, error)
	// UseSignInLink marks the link used at now and returns it; ENOTFOUND
	// unless it exists, is unused and has not expired at now. Of several
	// concurrent uses of one link exactly one succeeds.
	UseSignInLink(ctx context.Context, hash string, now time.Time) (*SignInLink, error)
	// CountSignInLinks returns how many links were made for addressKey
	// after since, on any site, and when the oldest of them was made (zero
	// when none was).
	CountSignInLinks(ctx context.Context, addressKey string, since time.Time) (int, time.Time, error)
	// CreateSignInCode stores a code; ECONFLICT if its hash is taken.
	CreateSignInCode(ctx context.Context, c *SignInCode) error
	// UseSignInCode deletes the code of the site and returns it; ENOTFOUND
	// unless it exists on that site and has not expired at now. Of several
	// concurrent uses exactly one succeeds.
	UseSignInCode(ctx context.Context, siteID, hash string, now time.Time) (*SignInCode, error)
	// PurgeSignIns deletes the links and codes that expired before now and
	// returns how many: neither is read once expired (the rate limit counts
	// no further back than a link lives).
	PurgeSignIns(ctx context.Context, now time.Time) (int, error)
	// UsersByRole returns at most limit users of the site who hold role,
	// oldest first.
	UsersByRole(ctx context.Context, siteID string, role Role, limit int) ([]*User, error)
}

// signInLinks and signInCodes mark the two secrets so that secret
// scanners recognize them and neither is mistaken for the other.
const (
	signInLinks tokenKind = "pel_"
	signInCodes tokenKind = "psc_"
)

// NewSignInLinkToken returns a new link token and the hash the store keeps.
func NewSignInLinkToken() (token, hash string) { return signInLinks.issue() }

// HashSignInLink is what the store keeps of a link token.
func HashSignInLink(token string) string { return hashToken(token) }

// WellFormedSignInLink reports whether s has the shape of a link token, so
// that one that cannot exist is refused without a query.
func WellFormedSignInLink(s string) bool { return signInLinks.wellFormed(s) }

// NewSignInCode returns a new sign-in code and the hash the store keeps.
func NewSignInCode() (code, hash string) { return signInCodes.issue() }

// HashSignInCode is what the store keeps of a sign-in code.
func HashSignInCode(code string) string { return hashToken(code) }

// WellFormedSignInCode reports whether s has the shape of a sign-in code.
func WellFormedSignInCode(s string) bool { return signInCodes.wellFormed(s) }

// EmailSignIn is a site's setting for signing in by e-mail link. The zero
// value is on, so that every site has it unless its publisher turns it off
// (it still needs a server that sends mail).
type EmailSignIn struct {
	Off bool `json:"off,omitempty"`
}
