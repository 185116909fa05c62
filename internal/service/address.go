package service

import (
	"context"

	"parley"
)

// WithAddressSecret lets the service keep a keyed hash of each writer's
// address with what they wrote (parley.AddressHash); without it nothing
// of the address is kept. secret is a Store.Key, so every instance hashes
// alike.
func WithAddressSecret(secret []byte) Option {
	return func(s *Service) { s.addressSecret = secret }
}

// addressHash is the hash to keep with a write of the caller in ctx, ""
// when the service has no secret or the request no address.
func (s *Service) addressHash(ctx context.Context) string {
	addr := parley.AddressFrom(ctx)
	if len(s.addressSecret) == 0 || !addr.IsValid() {
		return ""
	}
	return parley.AddressHash(parley.AddressDayKey(s.addressSecret, s.now()), addr)
}
