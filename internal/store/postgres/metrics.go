package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley"
)

// outboxTables are the tables of each kind of outbox, in the order of
// parley.Backlog.Outbox. Both keep their undelivered rows in state
// 'pending', which the partial indexes of migrations 0006 and 0017 cover.
var outboxTables = []struct{ kind, table string }{
	{parley.OutboxMail, "outbox_messages"},
	{parley.OutboxWebhook, "webhook_deliveries"},
}

// Backlog reads the outbox depths and each site's queue depths in one
// read-only snapshot, so that the figures of one scrape belong together;
// see parley.BacklogReader.
func (s *Store) Backlog(ctx context.Context, limit int) (*parley.Backlog, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, translate(err, "backlog")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	b := &parley.Backlog{}
	for _, o := range outboxTables {
		ob := parley.OutboxBacklog{Kind: o.kind}
		var oldest *time.Time
		// The count stops at limit; the oldest is exact, read on the same
		// partial index (only undelivered rows are in it).
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM `+o.table+` WHERE state = 'pending' LIMIT $1) q),
			(SELECT min(created_at) FROM `+o.table+` WHERE state = 'pending')`, limit).Scan(&ob.Depth, &oldest)
		if err != nil {
			return nil, translate(err, "outbox")
		}
		if oldest != nil {
			ob.Oldest = oldest.UTC()
		}
		b.Outbox = append(b.Outbox, ob)
	}
	for _, site := range sites {
		sb, err := siteBacklog(ctx, tx, site.ID, limit)
		if err != nil {
			return nil, err
		}
		b.Sites = append(b.Sites, sb)
	}
	return b, nil
}

// siteBacklog counts one site's pending and reported comments with the
// queues' own conditions, and its undecided notices, each up to limit.
func siteBacklog(ctx context.Context, tx pgx.Tx, siteID string, limit int) (parley.SiteBacklog, error) {
	sb := parley.SiteBacklog{SiteID: siteID}
	capped := func(from, cond string) string {
		return `(SELECT count(*) FROM (SELECT 1 FROM ` + from + ` WHERE site_id = $1 AND ` + cond + ` LIMIT $2) q)`
	}
	err := tx.QueryRow(ctx, `SELECT `+capped("comments", queueConditions[parley.QueuePending])+`, `+
		capped("comments", queueConditions[parley.QueueReported])+`, `+
		capped("notices", `status IN ('`+parley.NoticeReceived+`', '`+parley.NoticeInReview+`')`),
		siteID, limit).Scan(&sb.Pending, &sb.Reported, &sb.Notices)
	if err != nil {
		return sb, translate(err, "queue")
	}
	return sb, nil
}

// PoolStat returns the connection pool's statistics, for metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }
