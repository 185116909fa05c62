package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
// read transaction, so that the figures of one scrape belong together;
// see parley.BacklogReader.
func (s *Store) Backlog(ctx context.Context, limit int) (*parley.Backlog, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, outage(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	b := &parley.Backlog{}
	for _, o := range outboxTables {
		ob := parley.OutboxBacklog{Kind: o.kind}
		var oldest sql.NullInt64
		// The count stops at limit; the oldest is exact, read on the same
		// partial index (only undelivered rows are in it).
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM `+o.table+` WHERE state = 'pending' LIMIT ?)),
			(SELECT min(created_at) FROM `+o.table+` WHERE state = 'pending')`, limit).Scan(&ob.Depth, &oldest)
		if err != nil {
			return nil, mapError(err, "Message", "")
		}
		if oldest.Valid {
			ob.Oldest = fromMillis(oldest.Int64)
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

// siteBacklog counts one site's pending and reported comments on the
// queues' own indexes, and its undecided notices on notices_queue.
func siteBacklog(ctx context.Context, tx *sql.Tx, siteID string, limit int) (parley.SiteBacklog, error) {
	sb := parley.SiteBacklog{SiteID: siteID}
	for queue, n := range map[string]*int{parley.QueuePending: &sb.Pending, parley.QueueReported: &sb.Reported} {
		if err := tx.QueryRowContext(ctx, queueCountQuery(queue, false), siteID, "", limit).Scan(n); err != nil {
			return sb, mapError(err, "Comment", "Site")
		}
	}
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM notices WHERE site_id = ? AND status IN (?, ?) LIMIT ?)`,
		siteID, parley.NoticeReceived, parley.NoticeInReview, limit).Scan(&sb.Notices)
	if err != nil {
		return sb, mapError(err, "Notice", "Site")
	}
	return sb, nil
}

// PoolStats returns the statistics of the read pool and of the writer's
// single connection, for metrics: a read pool that waits says readers
// outnumber its connections; a busy writer says the group commit is the
// bottleneck.
func (s *Store) PoolStats() (read, write sql.DBStats) {
	return s.read.Stats(), s.write.Stats()
}
