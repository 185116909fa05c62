package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"parley"
	"parley/internal/i18n"
)

// Limits of e-mail sign-in. Links per address are counted in the database,
// so that the limit holds across every instance: a mailbox gets at most
// maxLinksPerAddress links in any SignInLinkTTL, however many servers are
// asked.
const (
	maxLinksPerAddress = 3
	maxEmailLength     = 254 // RFC 5321's limit on a forward path
)

// addressKeyName names the Store.Key of the keyed hash of addresses.
const addressKeyName = "email-address"

// SignInLinks says how e-mail sign-in links are made and where they lead.
type SignInLinks struct {
	// PublicURL is where browsers reach Parley; a link is
	// PublicURL + "/signin/email?token=pel_…".
	PublicURL string
	// Mail says that this server sends mail (--smtp-url). Without it a
	// link would wait in the outbox for nobody, so requests are refused.
	Mail bool
	// Return checks a return URL for a site as the block checks its own
	// (embed.ReturnChecker): the URL to use, or ok false to drop it.
	Return func(site *parley.Site, raw string) (string, bool)
}

// WithSignInLinks lets the service make and use e-mail sign-in links.
func WithSignInLinks(l SignInLinks) Option {
	return func(s *Service) { s.links = &linkMaker{cfg: l, store: s} }
}

// linkMaker holds the links' settings and the key that hashes addresses,
// read from the store once.
type linkMaker struct {
	cfg   SignInLinks
	store *Service
	mu    sync.Mutex
	key   []byte
}

// addressKey is the keyed hash of a lower-cased address that links are
// counted by: the index that the rate limit reads holds no addresses.
func (m *linkMaker) addressKey(ctx context.Context, address string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == nil {
		key, err := m.store.store.Key(ctx, addressKeyName)
		if err != nil {
			return "", fmt.Errorf("address key: %w", err)
		}
		m.key = key
	}
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(address))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// checkReturn returns the checked return URL, "" when there is none or it
// is not one the site may send readers back to.
func (m *linkMaker) checkReturn(site *parley.Site, raw string) string {
	if raw == "" || m.cfg.Return == nil {
		return ""
	}
	if u, ok := m.cfg.Return(site, raw); ok {
		return u
	}
	return ""
}

// url is the link a token opens.
func (m *linkMaker) url(token string) string {
	return m.cfg.PublicURL + "/signin/email?token=" + token
}

// EmailLinkRequest asks for a sign-in link by mail.
type EmailLinkRequest struct {
	SiteID string
	Email  string
	Lang   string // of the mail and the pages the link opens; "" for English
	Return string // the page the reader came from; dropped unless allowed
	// Limit, when set, is asked once the request is found well-formed and
	// before a link is made: the HTTP layer's limit per client, which then
	// counts the links a client had sent, not its mistakes.
	Limit Limit
}

var (
	errEmailOff     = parley.Errorf(parley.EFORBIDDEN, "Signing in by e-mail is not available on this site.").Keyed("emailSignInOff")
	errEmailInvalid = parley.Errorf(parley.EINVALID, "Please give an e-mail address such as name@example.org.").Keyed("emailInvalid")
)

// RequestEmailLink sends a single-use sign-in link to an address. Whether
// the address belongs to anyone yet makes no difference, to the answer or
// to the work done: a link is stored and a mail enqueued either way, and
// the user is found or made only when the link is used. The link and its
// mail are one unit of work, so no mail leaves for a link that was not
// stored. EFORBIDDEN (emailSignInOff) when the server sends no mail or the
// site turned e-mail sign-in off; EINVALID (emailInvalid);
// ETOOMANYREQUESTS (emailTooMany) past maxLinksPerAddress.
func (s *Service) RequestEmailLink(ctx context.Context, in EmailLinkRequest) error {
	site, err := s.Site(ctx, in.SiteID)
	if err != nil {
		return err
	}
	if err := checkOrigin(ctx, site); err != nil {
		return err
	}
	if s.links == nil || !s.links.cfg.Mail || site.EmailSignIn.Off {
		return errEmailOff
	}
	address, ok := NormalizeEmail(in.Email)
	if !ok {
		return errEmailInvalid
	}
	if err := in.Limit.take(); err != nil {
		return err
	}
	now := s.now()
	l, token, err := s.links.newLink(ctx, site, address, i18n.For(in.Lang).Lang(), in.Return, now)
	if err != nil {
		return err
	}
	m := signInMail(site, l, s.links.url(token))
	return s.store.Update(ctx, func(tx parley.Tx) error {
		n, oldest, err := tx.CountSignInLinks(ctx, l.AddressKey, now.Add(-parley.SignInLinkTTL))
		if err != nil {
			return fmt.Errorf("count links: %w", err)
		}
		if n >= maxLinksPerAddress {
			return parley.TooManyRequests("emailTooMany", "Several sign-in links were sent to this address in the last minutes; use one of them or try again later.",
				oldest.Add(parley.SignInLinkTTL).Sub(now))
		}
		if err := tx.CreateSignInLink(ctx, l); err != nil {
			return fmt.Errorf("create link: %w", err)
		}
		if err := tx.EnqueueMessage(ctx, m); err != nil {
			return fmt.Errorf("enqueue sign-in mail: %w", err)
		}
		return nil
	})
}

// NormalizeEmail returns the address in s lower-cased, ok false unless s
// is one bare address (no display name, no comments) of at most 254
// bytes. The whole address is lower-cased, so that one mailbox is one
// identity however its owner types it.
func NormalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxEmailLength || strings.ContainsAny(s, "\r\n") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(a.Address, "@") {
		return "", false
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return "", false
	}
	return strings.ToLower(a.Address), true
}

// emailSubject is the identity subject of an address (lower-cased).
func emailSubject(address string) string { return "email:" + address }

// newLink makes, without storing, a link for address and returns it with
// its token. It reads the address key, so it runs before the unit of work
// that stores the link (a unit does only store calls of its own).
func (m *linkMaker) newLink(ctx context.Context, site *parley.Site, address, lang, ret string, now time.Time) (*parley.SignInLink, string, error) {
	key, err := m.addressKey(ctx, address)
	if err != nil {
		return nil, "", err
	}
	token, hash := parley.NewSignInLinkToken()
	return &parley.SignInLink{Hash: hash, SiteID: site.ID, Email: address, AddressKey: key,
		Return: m.checkReturn(site, ret), Lang: lang, CreatedAt: now, ExpiresAt: now.Add(parley.SignInLinkTTL)}, token, nil
}
