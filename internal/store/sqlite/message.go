package sqlite

import (
	"context"
	"time"

	"parley"
)

// EnqueueMessage stores m in the outbox as a unit of its own.
func (s *Store) EnqueueMessage(ctx context.Context, m *parley.Message) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.EnqueueMessage(ctx, m) })
}

// EnqueueMessage stores m in the unit; see parley.Tx.
func (w *unit) EnqueueMessage(_ context.Context, m *parley.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO outbox_messages
		(id, recipient, subject, text_body, html_body, list_unsubscribe, created_at, next_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.To, m.Subject, m.Text, m.HTML, m.ListUnsubscribe,
		millis(m.CreatedAt), millis(m.CreatedAt))
	return mapError(err, "Message", "Message")
}

// claimSQL leases the due messages in one statement. SQLite has one writer
// (ours), so no other relay can claim between the SELECT and the UPDATE.
const claimSQL = `UPDATE outbox_messages
	SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
	WHERE id IN (SELECT id FROM outbox_messages
		WHERE state = 'pending' AND next_at <= ? AND lease_until <= ?
		ORDER BY next_at, id LIMIT ?)
	RETURNING id, recipient, subject, text_body, html_body, list_unsubscribe, created_at, attempts, next_at`

// ClaimMessages leases due messages to owner; see parley.Outbox.
func (s *Store) ClaimMessages(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*parley.Message, error) {
	var out []*parley.Message
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		out = out[:0]
		rows, err := tx.tx.QueryContext(ctx, claimSQL, owner, millis(now.Add(lease)), millis(now), millis(now), limit)
		if err != nil {
			return mapError(err, "Message", "Message")
		}
		defer rows.Close()
		for rows.Next() {
			m := &parley.Message{}
			var created, next int64
			if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.ListUnsubscribe, &created, &m.Attempts, &next); err != nil {
				return mapError(err, "Message", "Message")
			}
			m.CreatedAt, m.NextAt = fromMillis(created), fromMillis(next)
			out = append(out, m)
		}
		return mapError(rows.Err(), "Message", "Message")
	})
	parley.SortMessages(out)
	return out, err
}

// MarkMessageSent records a delivery; see parley.Outbox.
func (s *Store) MarkMessageSent(ctx context.Context, id, owner string, at time.Time) error {
	return s.release(ctx, `UPDATE outbox_messages SET state = 'sent', done_at = ?, text_body = '', html_body = '', lease_owner = '', lease_until = 0
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, millis(at), id, owner)
}

// RetryMessage releases a message for a later attempt; see parley.Outbox.
func (s *Store) RetryMessage(ctx context.Context, id, owner string, next time.Time, reason string) error {
	return s.release(ctx, `UPDATE outbox_messages SET next_at = ?, last_error = ?, lease_owner = '', lease_until = 0
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, millis(next), reason, id, owner)
}

// FailMessage gives a message up; see parley.Outbox.
func (s *Store) FailMessage(ctx context.Context, id, owner string, at time.Time, reason string) error {
	return s.release(ctx, `UPDATE outbox_messages SET state = 'failed', done_at = ?, text_body = '', html_body = '', last_error = ?, lease_owner = '', lease_until = 0
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, millis(at), reason, id, owner)
}

// release runs one of the updates above and answers ENOTFOUND when it
// changed nothing: the message is not the owner's (any more).
func (s *Store) release(ctx context.Context, query string, args ...any) error {
	return s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return mapError(err, "Message", "Message")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return parley.Errorf(parley.ENOTFOUND, "Message not found or not leased to this relay.")
		}
		return nil
	})
}

// PurgeMessages deletes done messages; see parley.Outbox.
func (s *Store) PurgeMessages(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox_messages WHERE state <> 'pending' AND done_at < ?`, millis(before))
		if err != nil {
			return mapError(err, "Message", "Message")
		}
		n, err = res.RowsAffected()
		return mapError(err, "Message", "Message")
	})
	return int(n), err
}

// MessageState returns a message's state; see parley.Outbox.
func (s *Store) MessageState(ctx context.Context, id string) (*parley.MessageStatus, error) {
	st := &parley.MessageStatus{}
	err := s.queryRow(ctx, `SELECT state, attempts, last_error, text_body <> '' OR html_body <> ''
		FROM outbox_messages WHERE id = ?`, id).Scan(&st.State, &st.Attempts, &st.LastError, &st.HasBody)
	if err != nil {
		return nil, mapError(err, "Message", "Message")
	}
	return st, nil
}
