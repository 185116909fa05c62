package postgres

import (
	"context"
	"slices"

	"parley"
)

// memo keeps, for the length of one unit of work, the answers of reads
// that a unit asks again and again and that change only by a write the
// unit would make itself.
//
// Why: the follower (internal/follow) derives a batch of events in one
// unit and reads the site's webhooks once for every event, to find the
// endpoints that want it. That was one round trip in six of a post's
// (two on the request path, four in the follower's turn), each a wake-up
// of a PostgreSQL backend on a machine of two cores. A site's endpoints
// change only when an operator adds, edits or removes one; a unit that
// does so forgets what it kept. Under READ COMMITTED a second read could
// see another transaction's change committed in between, so the memo
// answers as if the unit's later reads had run at its first: the same
// as a unit that ran a few milliseconds earlier.
type memo struct {
	webhooks map[string][]*parley.Webhook // by site ID
}

// siteWebhooks returns the site's endpoints from the memo, or reads and
// keeps them. Each caller gets copies, so that none changes what another
// reads.
func (m *memo) siteWebhooks(ctx context.Context, siteID string, read func(context.Context, string) ([]*parley.Webhook, error)) ([]*parley.Webhook, error) {
	ws, ok := m.webhooks[siteID]
	if !ok {
		var err error
		if ws, err = read(ctx, siteID); err != nil {
			return nil, err
		}
		if m.webhooks == nil {
			m.webhooks = map[string][]*parley.Webhook{}
		}
		m.webhooks[siteID] = ws
	}
	return cloneWebhooks(ws), nil
}

// forgetWebhooks drops what the memo keeps of endpoints, after a write
// to them (or to what they cascade from) in this unit.
func (m *memo) forgetWebhooks() {
	if m != nil {
		m.webhooks = nil
	}
}

func cloneWebhooks(ws []*parley.Webhook) []*parley.Webhook {
	out := make([]*parley.Webhook, len(ws))
	for i, w := range ws {
		c := *w
		c.Events = slices.Clone(w.Events)
		c.Secrets = slices.Clone(w.Secrets)
		out[i] = &c
	}
	return out
}
