package postgres

import (
	"context"
	"time"

	"parley"
)

// EnqueueMessage stores m in the outbox, in the unit's transaction.
func (t *unit) EnqueueMessage(ctx context.Context, m *parley.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := t.db.Exec(ctx, `INSERT INTO outbox_messages
		(id, recipient, subject, text_body, html_body, list_unsubscribe, created_at, next_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, m.ID, m.To, m.Subject, m.Text, m.HTML, m.ListUnsubscribe, m.CreatedAt)
	return translate(err, "message")
}

// claimSQL leases the due messages in one statement. FOR UPDATE SKIP
// LOCKED makes a relay pass over the rows another relay is claiming at
// that moment instead of waiting for it and then claiming them again; the
// lease keeps them from every relay after that relay's commit.
const claimSQL = `UPDATE outbox_messages
	SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (SELECT id FROM outbox_messages
		WHERE state = 'pending' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
		ORDER BY next_at, id LIMIT $4
		FOR UPDATE SKIP LOCKED)
	RETURNING id, recipient, subject, text_body, html_body, list_unsubscribe, created_at, attempts, next_at`

// ClaimMessages leases due messages to owner; see parley.Outbox.
func (s *Store) ClaimMessages(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*parley.Message, error) {
	rows, err := s.pool.Query(ctx, claimSQL, owner, now.Add(lease), now, limit)
	if err != nil {
		return nil, translate(err, "message")
	}
	defer rows.Close()
	var out []*parley.Message
	for rows.Next() {
		m := &parley.Message{}
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.ListUnsubscribe, &m.CreatedAt, &m.Attempts, &m.NextAt); err != nil {
			return nil, translate(err, "message")
		}
		m.CreatedAt, m.NextAt = m.CreatedAt.UTC(), m.NextAt.UTC()
		out = append(out, m)
	}
	parley.SortMessages(out)
	return out, translate(rows.Err(), "message")
}

// MarkMessageSent records a delivery; see parley.Outbox.
func (s *Store) MarkMessageSent(ctx context.Context, id, owner string, at time.Time) error {
	return s.release(ctx, `UPDATE outbox_messages SET state = 'sent', done_at = $1, text_body = '', html_body = '', lease_owner = '', lease_until = NULL
		WHERE id = $2 AND lease_owner = $3 AND state = 'pending'`, at, id, owner)
}

// RetryMessage releases a message for a later attempt; see parley.Outbox.
func (s *Store) RetryMessage(ctx context.Context, id, owner string, next time.Time, reason string) error {
	return s.release(ctx, `UPDATE outbox_messages SET next_at = $1, last_error = $4, lease_owner = '', lease_until = NULL
		WHERE id = $2 AND lease_owner = $3 AND state = 'pending'`, next, id, owner, reason)
}

// FailMessage gives a message up; see parley.Outbox.
func (s *Store) FailMessage(ctx context.Context, id, owner string, at time.Time, reason string) error {
	return s.release(ctx, `UPDATE outbox_messages SET state = 'failed', done_at = $1, text_body = '', html_body = '', last_error = $4, lease_owner = '', lease_until = NULL
		WHERE id = $2 AND lease_owner = $3 AND state = 'pending'`, at, id, owner, reason)
}

// release runs one of the updates above and answers ENOTFOUND when it
// changed nothing: the message is not the owner's (any more).
func (s *Store) release(ctx context.Context, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return translate(err, "message")
	}
	if tag.RowsAffected() != 1 {
		return parley.Errorf(parley.ENOTFOUND, "The message does not exist or is not leased to this relay.")
	}
	return nil
}

// PurgeMessages deletes done messages; see parley.Outbox.
func (s *Store) PurgeMessages(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM outbox_messages WHERE state <> 'pending' AND done_at < $1`, before)
	if err != nil {
		return 0, translate(err, "message")
	}
	return int(tag.RowsAffected()), nil
}

// MessageState returns a message's state; see parley.Outbox.
func (s *Store) MessageState(ctx context.Context, id string) (*parley.MessageStatus, error) {
	st := &parley.MessageStatus{}
	err := s.pool.QueryRow(ctx, `SELECT state, attempts, last_error, text_body <> '' OR html_body <> ''
		FROM outbox_messages WHERE id = $1`, id).Scan(&st.State, &st.Attempts, &st.LastError, &st.HasBody)
	if err != nil {
		return nil, translate(err, "message")
	}
	return st, nil
}
