// Package service holds Parley's use cases and every rule about them: who may
// post, edit, delete, react and report, what a valid comment is, how a thread
// is shaped into pages. Storage backends below it only store and query; the
// HTTP and HTML layers above it only translate.
package service

import (
	"context"
	"log/slog"
	"time"

	"parley"
)

// Renderer turns a comment's Markdown into safe HTML. It is called once per
// write, never on read. It refuses (EINVALID with a key) a body whose HTML
// would be too large even after deep structure is flattened.
type Renderer interface {
	Render(src string) (string, error)
}

// Service is Parley's use-case layer. It is safe for concurrent use.
type Service struct {
	store   parley.Store
	render  Renderer
	log     *slog.Logger
	bus     parley.Bus
	now     func() time.Time
	sites   *ttlCache[parley.Site]
	stories *ttlCache[parley.Story] // stored stories a post goes to (storycache.go)
	sso     TokenVerifier           // nil: SSO exchanges are refused

	oidc         OIDCProvider // nil: OIDC is off on every site
	oidcCallback string       // the redirect URI, from the public URL
	publicOrigin string       // Parley's own origin, which may open a sign-in
	links        *linkMaker   // nil: no e-mail sign-in links are made
	// addressSecret derives the daily keys of address hashes; nil keeps
	// no hash (see WithAddressSecret).
	addressSecret []byte
	limits        *postLimits // posting rate limits, per instance
	// webhookPrivate lets webhook endpoints be plain http and private
	// addresses (WithWebhookPrivate): tests and local development.
	webhookPrivate bool
	notices        *noticeLimits // notices per comment, per instance (notice.go)
	words          *wordLists    // compiled word lists of sites
	scorers        *scorerSets   // built scorers of sites
	friction       *friction     // proof-of-work counts and key
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the wall clock, for tests of time windows. The
// service's caches keep time by it too.
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// New returns a Service over store that publishes every committed change
// readers can see on bus (caches and live streams subscribe there).
func New(store parley.Store, render Renderer, bus parley.Bus, log *slog.Logger, opts ...Option) *Service {
	s := &Service{store: store, render: render, log: log, bus: bus, now: parley.Now, limits: newPostLimits(), notices: newNoticeLimits(),
		words: newWordLists(), scorers: newScorerSets(), friction: newFriction()}
	for _, opt := range opts {
		opt(s)
	}
	s.sites = newTTLCache[parley.Site](siteTTL, s.now)
	s.stories = newTTLCache[parley.Story](storyTTL, s.now)
	s.followSites()
	s.followStories()
	return s
}

// Ready returns an error if the database does not answer.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "database not ready", "err", err)
		return parley.Errorf(parley.EUNAVAILABLE, "The database is not available.")
	}
	return nil
}

// publish publishes a committed change of comment c.
func (s *Service) publish(ctx context.Context, typ string, c *parley.Comment) {
	s.publishEvent(ctx, parley.Event{Type: typ, SiteID: c.SiteID, StoryID: c.StoryID, CommentID: c.ID})
}

// publishEvent hands a committed change to the bus. A failure is logged,
// not returned: the change stands, and whoever missed the event catches up
// by TTL or by reading the event log. The request may be gone by now; the
// event must still leave.
func (s *Service) publishEvent(ctx context.Context, ev parley.Event) {
	ctx = context.WithoutCancel(ctx)
	if err := s.bus.Publish(ctx, ev); err != nil {
		s.log.WarnContext(ctx, "publish event", "type", ev.Type, "site", ev.SiteID, "story", ev.StoryID, "err", err)
	}
}
