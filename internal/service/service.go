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
	store  parley.Store
	render Renderer
	log    *slog.Logger
	notify func(parley.Event)
	now    func() time.Time
	sites  *ttlCache[parley.Site]
}

// Option configures a Service.
type Option func(*Service)

// WithNotify makes the service call fn with an event after each committed
// change that readers can see (caches and live streams listen here). fn must
// not block.
func WithNotify(fn func(parley.Event)) Option {
	return func(s *Service) { s.notify = fn }
}

// WithClock replaces the wall clock, for tests of time windows.
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// New returns a Service over store.
func New(store parley.Store, render Renderer, log *slog.Logger, opts ...Option) *Service {
	s := &Service{
		store:  store,
		render: render,
		log:    log,
		notify: func(parley.Event) {},
		now:    parley.Now,
		sites:  newTTLCache[parley.Site](siteTTL),
	}
	for _, opt := range opts {
		opt(s)
	}
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

func (s *Service) publish(typ string, c *parley.Comment) {
	s.notify(parley.Event{Type: typ, SiteID: c.SiteID, StoryID: c.StoryID, CommentID: c.ID})
}
