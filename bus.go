package parley

import "context"

// Bus carries committed events from whoever made a change to whatever keeps
// state derived from the database: the live hub, the page cache, the set of
// allowed origins. Those subscribers hold nothing of their own; an event only
// tells them what to forget or re-read, so that an event delivered twice
// does no harm and one that never arrives costs at most a TTL or a poll
// interval, never a lost comment (the database and its event log stay the
// truth). That is the contract an implementation over NATS keeps too: at
// least once, in publish order per subscription, events as plain values
// (they cross processes, so nothing is shared by pointer).
type Bus interface {
	// Publish hands ev to every subscription whose topic it matches. Call
	// it only after the change is committed. It never waits for a
	// subscriber's slow work, since handlers may not block (see
	// Subscribe). An error (a broker that is unreachable) means other
	// instances may not hear of ev; the change itself stands.
	Publish(ctx context.Context, ev Event) error
	// Subscribe calls fn with every event published on t from now on, one
	// call at a time and in the order each publisher published them, until
	// unsubscribe is called: a Publish that begins after unsubscribe
	// returns does not reach fn. fn runs on the bus's side (in process:
	// on the publisher's goroutine, so that a write's own instance has
	// caught up when the write returns) and must not block: a subscriber with slow work hands it to
	// its own goroutine (see realtime.ToChannel). When the bus could not
	// deliver everything (a full channel, a broker reconnect), fn gets an
	// EventMissed, after which it must assume that anything may have
	// changed.
	Subscribe(t Topic, fn func(Event)) (unsubscribe func(), err error)
}

// EventMissed tells a subscriber that events may have been lost on the way
// to it. It carries no site or story, and every subscription gets it,
// whatever its topic.
const EventMissed = "bus.missed"

// Topic kinds: changes that readers see under a story, and changes to a
// site's settings.
const (
	TopicStories = "stories"
	TopicSites   = "sites"
)

// Topic selects events: all of a kind, or only those of one site, or of one
// story of a site. Over NATS it becomes a subject per site and story, so
// that an instance receives only what its subscribers want.
type Topic struct {
	Kind    string // TopicStories, TopicSites, TopicQueues or TopicUsers
	SiteID  string // "" for every site
	StoryID string // "" for every story; needs SiteID
}

// Topic is where ev is published.
func (ev Event) Topic() Topic {
	switch ev.Type {
	case EventSiteChanged:
		return Topic{Kind: TopicSites, SiteID: ev.SiteID}
	case EventQueueChanged:
		return Topic{Kind: TopicQueues, SiteID: ev.SiteID, StoryID: ev.StoryID}
	case EventUserChanged:
		return Topic{Kind: TopicUsers, SiteID: ev.SiteID}
	}
	return Topic{Kind: TopicStories, SiteID: ev.SiteID, StoryID: ev.StoryID}
}

// Matches reports whether an event published on u is one that a
// subscription to t gets.
func (t Topic) Matches(u Topic) bool {
	return t.Kind == u.Kind &&
		(t.SiteID == "" || t.SiteID == u.SiteID) &&
		(t.StoryID == "" || t.StoryID == u.StoryID)
}
