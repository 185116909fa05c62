package follow

import (
	"context"

	"parley"
)

// batchTx is the unit of one batch as its derivations see it: every read
// goes to the unit, but a site's webhooks are read once per batch.
//
// Why: under load a batch holds a hundred comment.created events of the
// same few sites, and each derivation asked for its site's endpoints
// again, in the SQLite writer's turn (about 7 % of the server's CPU per
// post with 16 posters, the largest part of the follower's). Nothing a
// derivation writes changes a site's endpoints, so the first answer holds
// for the rest of the unit.
type batchTx struct {
	parley.Tx
	hooks map[string][]*parley.Webhook
}

func newBatchTx(tx parley.Tx) *batchTx {
	return &batchTx{Tx: tx, hooks: map[string][]*parley.Webhook{}}
}

// SiteWebhooks returns the site's endpoints as the unit saw them first.
func (b *batchTx) SiteWebhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	if ws, ok := b.hooks[siteID]; ok {
		return ws, nil
	}
	ws, err := b.Tx.SiteWebhooks(ctx, siteID)
	if err != nil {
		return nil, err
	}
	b.hooks[siteID] = ws
	return ws, nil
}
