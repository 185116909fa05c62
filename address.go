package parley

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"
)

// addressKey carries the client address; far from context.go's iota so
// that keys added there never collide with it.
const addressKey contextKey = 100

// WithAddress returns a context that carries the client's address, for
// the writes that keep a hash of it (see AddressHash). Only the HTTP
// layer calls it, with web.ClientIP.
func WithAddress(ctx context.Context, addr netip.Addr) context.Context {
	return context.WithValue(ctx, addressKey, addr)
}

// AddressFrom returns the address carried by ctx; the zero Addr (not
// valid) when there is none.
func AddressFrom(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(addressKey).(netip.Addr)
	return a
}

// AddressDayKey derives the key that hashes addresses on day's UTC date
// from secret (a Store.Key): every instance derives the same key on the
// same day, and yesterday's hashes cannot be recomputed from today's key,
// so a hash links what one address wrote within a day and nothing more.
func AddressDayKey(secret []byte, day time.Time) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("parley address day " + day.UTC().Format(time.DateOnly)))
	return m.Sum(nil)
}

// AddressHash is what Parley keeps of a client address: HMAC-SHA256 of the
// address under the day's key, in hex. Without the key, which never leaves
// the database, a hash cannot be turned back into an address by trying all
// 2^32 IPv4 addresses, as a plain hash could. An IPv4 address mapped into
// IPv6 hashes as the IPv4 address. "" for an invalid address.
func AddressHash(dayKey []byte, addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	m := hmac.New(sha256.New, dayKey)
	m.Write(addr.Unmap().AsSlice())
	return hex.EncodeToString(m.Sum(nil))
}
