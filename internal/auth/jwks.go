package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"

	"parley"
)

// JWKS fetch policy. A publisher's keys change rarely and an exchange must
// not wait on their server, so a set is cached for jwksTTL and read again
// early only for a kid it does not have, at most once per jwksRefetch per
// URL: a stream of tokens with made-up kids costs the publisher one
// request a minute, not one per token. A refetch that fails keeps the keys
// we have, so a publisher's brief outage signs nobody out.
const (
	jwksTTL      = time.Hour
	jwksRefetch  = time.Minute
	jwksTimeout  = 5 * time.Second
	maxJWKSBytes = 1 << 20
)

// JWKS caches publishers' public keys by URL.
type JWKS struct {
	client *http.Client
	now    func() time.Time
	mu     sync.Mutex
	sets   map[string]*keySet
}

// keySet is one URL's keys. Its mutex is held while fetching, so that
// concurrent exchanges for one URL wait for one fetch.
type keySet struct {
	mu      sync.Mutex
	keys    map[string]any
	fetched time.Time // when keys were last read successfully
	tried   time.Time // when a fetch was last started
}

// NewJWKS returns a cache that fetches with client (nil: a client with
// jwksTimeout) and keeps time by now (nil: time.Now).
func NewJWKS(client *http.Client, now func() time.Time) *JWKS {
	if client == nil {
		client = &http.Client{Timeout: jwksTimeout}
	}
	if now == nil {
		now = time.Now
	}
	return &JWKS{client: client, now: now, sets: map[string]*keySet{}}
}

// Key returns the public key named kid at url (the only key when kid is
// "" and the set has one). A kid the set lacks after a refetch is
// EUNAUTHORIZED (ssoUnknownKid); keys that cannot be fetched at all are
// EUNAVAILABLE.
func (j *JWKS) Key(ctx context.Context, url, kid string) (any, error) {
	set := j.set(url)
	set.mu.Lock()
	defer set.mu.Unlock()
	now := j.now()
	key, ok := set.find(kid)
	stale := now.Sub(set.fetched) >= jwksTTL
	if (!ok || stale) && now.Sub(set.tried) >= jwksRefetch {
		set.tried = now
		keys, err := j.fetch(ctx, url)
		if err == nil {
			set.keys, set.fetched = keys, now
			key, ok = set.find(kid)
		} else if set.keys == nil {
			return nil, parley.Errorf(parley.EUNAVAILABLE, "The publisher's keys cannot be fetched from %s: %v", url, err).Keyed("ssoKeysUnavailable")
		}
	}
	if ok {
		return key, nil
	}
	if set.keys == nil {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "The publisher's keys cannot be fetched from %s now.", url).Keyed("ssoKeysUnavailable")
	}
	return nil, refuse("ssoUnknownKid", "The publisher's keys have no key with kid %.64q.", kid)
}

func (j *JWKS) set(url string) *keySet {
	j.mu.Lock()
	defer j.mu.Unlock()
	s, ok := j.sets[url]
	if !ok {
		s = &keySet{}
		j.sets[url] = s
	}
	return s
}

func (s *keySet) find(kid string) (any, bool) {
	if kid == "" && len(s.keys) == 1 {
		for _, k := range s.keys {
			return k, true
		}
	}
	k, ok := s.keys[kid]
	return k, ok && kid != ""
}

// fetch reads the set at url. It outlives the request that asked (the
// next one needs the keys too) but not jwksTimeout. Keys that are not
// public RSA, ECDSA or Ed25519 keys, or that do not parse, are left out.
func (j *JWKS) fetch(ctx context.Context, url string) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	var set jwkset.JWKSMarshal
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJWKSBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := map[string]any{}
	for _, m := range set.Keys {
		k, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil {
			continue
		}
		switch pub := k.Key().(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
			keys[m.KID] = pub
		}
	}
	return keys, nil
}
