package service

import (
	"context"
	"crypto/rand"
	"time"

	"parley"
	"parley/internal/moderation"
)

// maxPostBuckets bounds the posting limits' memory: two buckets per
// reader who posted lately (theirs and their address's), about 250 bytes
// each, so some 25 MB when a flood of distinct addresses fills it; then
// the refilled buckets are forgotten first (moderation.Buckets).
const maxPostBuckets = 100_000

// postKey names one posting bucket: a reader's or an address's, on one
// site. The address is its keyed hash (parley.AddressHash), never the
// address itself, so that the map holds nothing a log or a heap dump
// could give away.
type postKey struct {
	site    string
	address bool   // id is an address hash, not a user ID
	id      string // a user ID or an address hash
}

// postLimits holds the posting buckets of one instance, and the secret
// that hashes addresses for them when the service keeps no address
// hashes (no WithAddressSecret): the limit must hold either way.
type postLimits struct {
	buckets *moderation.Buckets[postKey]
	secret  []byte
}

func newPostLimits() *postLimits {
	return &postLimits{buckets: moderation.NewBuckets[postKey](maxPostBuckets), secret: []byte(rand.Text())}
}

// limitPost takes one post of the caller from the site's buckets: the
// reader's (a != nil) and the client address's, and refuses the post
// (ETOOMANYREQUESTS, postTooFast, with the wait) unless both have a
// token. Per reader, so that a reader hopping addresses is still held;
// per address, so that a script making a new anonymous commenter for
// each post is too. Staff, moderators and admins are never limited: they
// answer readers in bursts and their comments carry the site's badge.
//
// kept is the address hash the post keeps (Comment.IPHash), which an
// IPv4 client's key is, so that it is not computed twice.
func (s *Service) limitPost(ctx context.Context, site *parley.Site, a *parley.Actor, kept string) error {
	if site.RateLimit.Off || a.RoleOn(site.ID) >= parley.RoleStaff {
		return nil
	}
	keys := make([]postKey, 0, 2)
	if a != nil {
		keys = append(keys, postKey{site: site.ID, id: a.User.ID})
	}
	if h := s.limitAddress(ctx, kept); h != "" {
		keys = append(keys, postKey{site: site.ID, address: true, id: h})
	}
	posts, per := site.RateLimit.Rate()
	if wait := s.limits.buckets.Take(s.now(), posts, per/time.Duration(posts), keys...); wait > 0 {
		return parley.TooManyRequests("postTooFast", "You are posting too fast; wait a little and try again.", wait)
	}
	return nil
}

// limitAddress is the key of the caller's address in the posting
// buckets: its hash under the day's key, as stored with comments, or
// under the instance's own secret when no hashes are stored; "" without
// an address. IPv6 clients count by their /64, as web.ClientAddr does,
// so that hopping addresses within it buys nothing; an IPv4 client's key
// is the hash kept, when there is one.
func (s *Service) limitAddress(ctx context.Context, kept string) string {
	addr := parley.AddressFrom(ctx).Unmap()
	switch {
	case !addr.IsValid():
		return ""
	case addr.Is4() && kept != "":
		return kept
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		addr = p.Addr()
	}
	secret := s.addressSecret
	if len(secret) == 0 {
		secret = s.limits.secret
	}
	return parley.AddressHash(parley.AddressDayKey(secret, s.now()), addr)
}
