package parley

import (
	"context"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook event names: what a delivery tells a publisher's server. The
// moderation ones are the audit actions of the same name.
const (
	HookCommentCreated  = EventCommentCreated
	HookCommentApproved = AuditApproved
	HookCommentRejected = AuditRejected
	HookCommentFeatured = AuditFeatured
	HookCommentEdited   = EventCommentEdited
	HookCommentDeleted  = EventCommentDeleted
	HookCommentReported = AuditReported
	HookNoticeCreated   = AuditNoticeCreated
	HookNoticeDecided   = AuditNoticeDecided
	HookUserSuspended   = AuditSuspended
	HookUserBanned      = AuditBanned
	HookStoryClosed     = AuditStoryClosed
)

// WebhookEvents lists every event an endpoint may subscribe to.
func WebhookEvents() []string {
	return []string{HookCommentCreated, HookCommentApproved, HookCommentRejected, HookCommentFeatured,
		HookCommentEdited, HookCommentDeleted, HookCommentReported, HookNoticeCreated, HookNoticeDecided,
		HookUserSuspended, HookUserBanned, HookStoryClosed}
}

// ValidWebhookEvent reports whether e is one of WebhookEvents.
func ValidWebhookEvent(e string) bool { return slices.Contains(WebhookEvents(), e) }

// MaxWebhookSecrets bounds the secrets of one endpoint: the current one and
// those still accepted while a rotation is under way.
const MaxWebhookSecrets = 3

// Webhook is one endpoint of a site: where deliveries go, which events it
// wants, and the secrets each delivery is signed with (every one of them,
// so that the receiver can move to a new secret without a gap).
type Webhook struct {
	ID        string
	SiteID    string
	URL       string   // checked by the service (https, no private target)
	Events    []string // a subset of WebhookEvents; never empty
	Secrets   []WebhookSecret
	CreatedAt time.Time
}

// WebhookSecret is one signing secret of an endpoint.
type WebhookSecret struct {
	ID        string    `json:"id"`
	Value     string    `json:"value"` // shown once, when it is made
	CreatedAt time.Time `json:"createdAt"`
}

// Wants reports whether the endpoint subscribed to event.
func (w *Webhook) Wants(event string) bool { return slices.Contains(w.Events, event) }

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // given up after the last attempt
)

// WebhookDelivery is one event on its way to one endpoint, kept as the
// outbox keeps a mail: written in the unit that derived it, claimed with a
// lease, retried with backoff. Payload is fixed when it is derived, so that
// every attempt and a redelivery send the same body.
type WebhookDelivery struct {
	ID        string
	WebhookID string
	SiteID    string
	Event     string
	// Key names what the delivery tells of (an audit entry, an event, a
	// comment's creation), so that deriving it again adds nothing.
	Key       string
	Payload   []byte
	State     string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
	// Of the last attempt: the HTTP status (0 when there was no
	// response) and the error.
	LastStatus int
	LastError  string
}

// WebhookAttempt is one line of an endpoint's delivery log.
type WebhookAttempt struct {
	DeliveryID string
	Attempt    int
	At         time.Time
	Status     int           // the response's status; 0 for none
	Latency    time.Duration // until the response's headers, or the failure
	Error      string        // "" when the receiver answered 2xx
}

// MaxDeliveryPage bounds one page of Deliveries.
const MaxDeliveryPage = 100

// Webhooks holds the endpoints of sites and the deliveries derived for
// them; Tx embeds it.
type Webhooks interface {
	// CreateWebhook stores w; ECONFLICT if its ID is taken, ENOTFOUND if
	// its site does not exist.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// UpdateWebhook replaces an endpoint's URL, events and secrets;
	// ENOTFOUND unless the site has it.
	UpdateWebhook(ctx context.Context, w *Webhook) error
	// DeleteWebhook removes an endpoint with its deliveries; ENOTFOUND
	// unless the site has it.
	DeleteWebhook(ctx context.Context, siteID, id string) error
	// Webhook returns one endpoint of a site; ENOTFOUND.
	Webhook(ctx context.Context, siteID, id string) (*Webhook, error)
	// SiteWebhooks returns a site's endpoints, oldest first.
	SiteWebhooks(ctx context.Context, siteID string) ([]*Webhook, error)
	// EnqueueDelivery stores d as pending, due at d.NextAt, and reports
	// true; it reports false and stores nothing when the endpoint already
	// has a delivery with d's Key. ENOTFOUND if the endpoint is gone.
	EnqueueDelivery(ctx context.Context, d *WebhookDelivery) (bool, error)
	// Redeliver makes a delivery of the site pending again, due at at,
	// with its attempts counted from zero; ENOTFOUND unless the site has
	// it.
	Redeliver(ctx context.Context, siteID, deliveryID string, at time.Time) error
}

// DeliveryQueue is the queue a webhook relay works from, safe with several
// relays on one database as Outbox is.
type DeliveryQueue interface {
	// ClaimDeliveries leases to owner, until now+lease, at most limit
	// pending deliveries due at now whose lease (if any) has ended,
	// oldest due first, and counts one attempt for each.
	ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*WebhookDelivery, error)
	// FinishAttempt records attempt a of a delivery owner holds and moves
	// the delivery to state (DeliveryPending again, due at next, for a
	// retry); ENOTFOUND unless owner holds it.
	FinishAttempt(ctx context.Context, owner string, a *WebhookAttempt, state string, next time.Time) error
	// Deliveries returns a page of an endpoint's deliveries, newest
	// first: those with an ID below before ("" for the first page), at
	// most limit (1 to MaxDeliveryPage, else EINVALID).
	Deliveries(ctx context.Context, webhookID, before string, limit int) ([]*WebhookDelivery, error)
	// DeliveryAttempts returns a delivery's attempts, first first.
	DeliveryAttempts(ctx context.Context, deliveryID string) ([]*WebhookAttempt, error)
	// PurgeDeliveries deletes the deliveries created before before that
	// are no longer pending, with their attempts, and returns how many.
	PurgeDeliveries(ctx context.Context, before time.Time) (int, error)
}

// SortDeliveries orders claimed deliveries as ClaimDeliveries returns them:
// by NextAt, then ID.
func SortDeliveries(ds []*WebhookDelivery) {
	slices.SortFunc(ds, func(a, b *WebhookDelivery) int {
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
}

// MaxWebhookURL bounds an endpoint's URL.
const MaxWebhookURL = 2048

// CheckWebhookURL returns the endpoint URL raw as Parley will call it, or
// EINVALID (key webhookURL) unless it is an absolute https URL without
// user info or fragment whose host, if an address, is a public one. Only
// allowPrivate (a test, a local development setup) lets in plain http
// and private, loopback and link-local targets. A host name is checked
// again where it matters, on the address each connection is made to (see
// PublicAddr), so that a name that resolves to an inside address later
// reaches nothing.
func CheckWebhookURL(raw string, allowPrivate bool) (*url.URL, error) {
	bad := func(why string) error {
		return Errorf(EINVALID, "The webhook URL %s.", why).Keyed("webhookURL")
	}
	if raw == "" || len(raw) > MaxWebhookURL || !utf8.ValidString(raw) {
		return nil, bad("must be 1 to 2048 characters")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return nil, bad("must be an absolute URL")
	case u.User != nil:
		return nil, bad("must not carry a user name or password")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, bad("must not have a fragment")
	case u.Scheme != "https" && !(u.Scheme == "http" && allowPrivate):
		return nil, bad("must use https")
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !allowPrivate && !PublicAddr(ip) {
		return nil, bad("must not point to a private, loopback or link-local address")
	}
	if h := strings.TrimSuffix(strings.ToLower(u.Hostname()), "."); !allowPrivate && (h == "localhost" || strings.HasSuffix(h, ".localhost")) {
		return nil, bad("must not point to this machine")
	}
	return u, nil
}

// PublicAddr reports whether ip is an address on the public internet: not
// loopback, private (RFC 1918, RFC 4193), link-local, unspecified,
// multicast, shared (100.64.0.0/10), documentation or reserved, nor an
// IPv4-mapped or NAT64 form of one of those. A webhook relay dials only
// such addresses, so that an endpoint cannot make Parley call into the
// network it runs in.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// nonPublic are the special-purpose ranges the netip predicates leave out.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
}
