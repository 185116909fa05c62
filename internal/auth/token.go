package auth

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"parley"
)

// Every write by a returning commenter needs the user behind their token,
// and users change rarely: reading them from the database on each request
// would be among the most frequent queries Parley makes. userTTL bounds how
// long a change made on another instance takes to reach this one.
const (
	userTTL        = 60 * time.Second
	maxCachedUsers = 10000 // a full cache starts over
)

// Users is what the commenter-token method reads; parley.Store has it.
type Users interface {
	// UserByTokenHash returns the user whose TokenHash is hash; ENOTFOUND.
	UserByTokenHash(ctx context.Context, hash string) (*parley.User, error)
}

// CommenterTokens is the Method of readers who posted without an account:
// the commenter token their first comment gave them, sent as
// "Authorization: Bearer pct_…". Such a reader is a commenter of the site
// they posted on, and of no other.
type CommenterTokens struct {
	users Users
	cache *userCache
}

// NewCommenterTokens returns the method over users. now is the clock of
// its cache; nil means time.Now.
func NewCommenterTokens(users Users, now func() time.Time) *CommenterTokens {
	if now == nil {
		now = time.Now
	}
	return &CommenterTokens{users: users, cache: &userCache{now: now, entries: map[string]cachedUser{}}}
}

// Authenticate implements Method: it claims every bearer token marked as
// a commenter token.
func (m *CommenterTokens) Authenticate(ctx context.Context, r *http.Request) (*parley.Actor, bool, error) {
	token, ok := Bearer(r)
	if !ok || !parley.IsCommenterToken(token) {
		return nil, false, nil
	}
	a, err := m.Actor(ctx, token)
	return a, err == nil, err
}

// Actor returns the commenter that token was given to. A malformed or
// unknown token is EUNAUTHORIZED; a malformed one is refused without a
// query.
func (m *CommenterTokens) Actor(ctx context.Context, token string) (*parley.Actor, error) {
	if !parley.WellFormedCommenterToken(token) {
		return nil, errBadToken
	}
	hash := parley.HashCommenterToken(token)
	u, ok := m.cache.get(hash)
	if !ok {
		var err error
		u, err = m.users.UserByTokenHash(ctx, hash)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, errBadToken
		}
		if err != nil {
			return nil, fmt.Errorf("commenter token: %w", err)
		}
		m.cache.put(hash, u)
	}
	return &parley.Actor{User: u, SiteID: u.SiteID, Role: parley.RoleCommenter, Method: parley.MethodToken}, nil
}

// Follow drops a cached user as soon as the bus says they changed
// (parley.EventUserChanged, sent with every sanction), so that a ban or a
// suspension holds at once on the instance that hears of it; on one that
// does not, it holds within userTTL. A missed event empties the cache.
func (m *CommenterTokens) Follow(bus parley.Bus) (unsubscribe func(), err error) {
	return bus.Subscribe(parley.Topic{Kind: parley.TopicUsers}, func(ev parley.Event) {
		if ev.Type == parley.EventMissed {
			m.cache.clear()
			return
		}
		m.cache.drop(ev.UserID)
	})
}

var errBadToken = parley.Errorf(parley.EUNAUTHORIZED, "The commenter token is not valid.").Keyed("tokenInvalid")

// userCache keeps users by token hash for userTTL. get returns a copy, so
// that no request can change what another one sees.
type userCache struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]cachedUser
}

type cachedUser struct {
	user parley.User
	at   time.Time
}

func (c *userCache) get(hash string) (*parley.User, bool) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || c.now().Sub(e.at) > userTTL {
		return nil, false
	}
	return &e.user, true
}

// drop forgets user id, whatever token hash it is cached under.
func (c *userCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for hash, e := range c.entries {
		if e.user.ID == id {
			delete(c.entries, hash)
		}
	}
}

func (c *userCache) clear() {
	c.mu.Lock()
	c.entries = map[string]cachedUser{}
	c.mu.Unlock()
}

func (c *userCache) put(hash string, u *parley.User) {
	c.mu.Lock()
	if len(c.entries) >= maxCachedUsers {
		c.entries = map[string]cachedUser{}
	}
	c.entries[hash] = cachedUser{user: *u, at: c.now()}
	c.mu.Unlock()
}
