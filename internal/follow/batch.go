package follow

import (
	"context"

	"parley"
)

// batchTx is the unit of one batch as its derivations see it: every read
// goes to the unit, but a site's webhooks, a comment and a user are each
// read once per batch.
//
// Why: under load a batch holds a hundred comment.created events of the
// same few sites, and each derivation asked for its site's endpoints
// again, in the SQLite writer's turn (about 7 % of the server's CPU per
// post with 16 posters, the largest part of the follower's). A reply's
// derivation reads its parent, often a comment of the same batch, and its
// author, one of the few who are posting. Nothing a derivation writes
// (inbox items, deliveries, reply mail) changes a site's endpoints, a
// comment or a user, so the first answer holds for the rest of the unit.
type batchTx struct {
	parley.Tx
	hooks    map[string][]*parley.Webhook
	comments map[string]*parley.Comment
	users    map[string]*parley.User
}

func newBatchTx(tx parley.Tx) *batchTx {
	return &batchTx{Tx: tx, hooks: map[string][]*parley.Webhook{},
		comments: map[string]*parley.Comment{}, users: map[string]*parley.User{}}
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

// Comment returns a copy of the comment as the unit saw it first, so that
// a derivation may change what it gets (created sets the author's
// standing). An error is not kept.
func (b *batchTx) Comment(ctx context.Context, id string) (*parley.Comment, error) {
	return once(ctx, b.comments, id, b.Tx.Comment)
}

// User returns a copy of the user as the unit saw them first.
func (b *batchTx) User(ctx context.Context, id string) (*parley.User, error) {
	return once(ctx, b.users, id, b.Tx.User)
}

// once reads id through read the first time and returns a copy of that
// answer every time.
func once[T any](ctx context.Context, seen map[string]*T, id string, read func(context.Context, string) (*T, error)) (*T, error) {
	v, ok := seen[id]
	if !ok {
		var err error
		if v, err = read(ctx, id); err != nil {
			return nil, err
		}
		seen[id] = v
	}
	cp := *v
	return &cp, nil
}
