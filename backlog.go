package parley

import (
	"context"
	"time"
)

// Backlog is what waits in a store for someone: the outbox's undelivered
// messages and the moderators' queues. Operators watch it to see a relay
// that has stopped or a desk that has fallen behind; it is read at scrape
// time, so every count is capped (see BacklogReader) and each read is
// one bounded scan of an index.
type Backlog struct {
	Outbox []OutboxBacklog // one per kind, OutboxMail then OutboxWebhook
	Sites  []SiteBacklog   // one per site, in the order of Store.Sites
}

// Kinds of OutboxBacklog.
const (
	OutboxMail    = "mail"
	OutboxWebhook = "webhook"
)

// OutboxBacklog is one kind of outbox: how many messages still wait to
// be delivered (pending, with retries left) and since when the oldest has.
type OutboxBacklog struct {
	Kind   string
	Depth  int
	Oldest time.Time // zero when Depth is 0
}

// SiteBacklog is a site's moderation queues: held comments, reported
// comments no moderator has seen, and notices not yet decided.
type SiteBacklog struct {
	SiteID   string
	Pending  int
	Reported int
	Notices  int
}

// BacklogReader reads the Backlog. Each count stops at limit, so that a
// queue of a million rows costs what one of limit rows does; a count of
// limit means "limit or more".
type BacklogReader interface {
	Backlog(ctx context.Context, limit int) (*Backlog, error)
}
