package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// eventColumns are the columns of the events table, in StoredEvent's order.
const eventColumns = `id, site_id, story_id, type, comment_id, created_at`

// insertEventSQL starts the INSERT that every write appends its events
// with; a SELECT or VALUES list supplies site, story, type and comment.
const insertEventSQL = `INSERT INTO events (site_id, story_id, type, comment_id) `

// eventsSQL reads a story's events after an ID ($3) or since a time ($4,
// NULL for no time condition), at most $5. Each branch seeks its own index
// and stops at the limit, so a reader who catches up reads about limit rows
// however long the story's log is. Both branches are ordered by ID before
// their limit: the first rows of the union are the first rows of one
// branch or the other.
const eventsSQL = `(SELECT ` + eventColumns + ` FROM events
		WHERE site_id = $1 AND story_id = $2 AND id > $3 ORDER BY id LIMIT $5)
	UNION
	(SELECT ` + eventColumns + ` FROM events
		WHERE site_id = $1 AND story_id = $2 AND created_at >= $4 ORDER BY id LIMIT $5)
	ORDER BY id LIMIT $5`

// logEventsSQL reads the whole log after an ID ($1), with the missing IDs
// below it ($2), at most $3. Both branches seek the primary key; the
// second only looks up the holes the reader asks for.
const logEventsSQL = `(SELECT ` + eventColumns + ` FROM events WHERE id > $1 ORDER BY id LIMIT $3)
	UNION
	(SELECT ` + eventColumns + ` FROM events WHERE id = ANY($2::bigint[]) AND id <= $1)
	ORDER BY id LIMIT $3`

// appendEvent adds an event to a story's log in tx, for the writes that need
// a transaction anyway; the others append in the statement of their change.
func appendEvent(ctx context.Context, tx pgx.Tx, siteID, storyID, typ, commentID string) error {
	_, err := tx.Exec(ctx, insertEventSQL+`VALUES ($1, $2, $3, $4)`, siteID, storyID, typ, commentID)
	return translate(err, "event")
}

// Events returns a story's events after afterID or since a time, by ID.
func (s *Store) Events(ctx context.Context, siteID, storyID string, afterID int64, since time.Time, limit int) ([]parley.StoredEvent, error) {
	if limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one event.")
	}
	rows, _ := s.pool.Query(ctx, eventsSQL, siteID, storyID, afterID, nullTime(since), limit)
	events, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, translate(err, "event")
	}
	return events, nil
}

// LastEventID returns the highest event ID of a story, 0 if it has none.
func (s *Store) LastEventID(ctx context.Context, siteID, storyID string) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM events WHERE site_id = $1 AND story_id = $2`,
		siteID, storyID).Scan(&id)
	if err != nil {
		return 0, translate(err, "event")
	}
	return id, nil
}

// LogEvents returns the events of every story after afterID, and the
// missing ones, by ID.
func (s *Store) LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]parley.StoredEvent, error) {
	if err := parley.CheckLogQuery(missing, limit); err != nil {
		return nil, err
	}
	if missing == nil {
		missing = []int64{} // an empty array, not NULL
	}
	rows, _ := s.pool.Query(ctx, logEventsSQL, afterID, missing, limit)
	events, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, translate(err, "event")
	}
	return events, nil
}

// NewestEventID returns the highest event ID of the whole log.
func (s *Store) NewestEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&id); err != nil {
		return 0, translate(err, "event")
	}
	return id, nil
}

func scanEvent(row pgx.CollectableRow) (parley.StoredEvent, error) {
	var e parley.StoredEvent
	err := row.Scan(&e.ID, &e.SiteID, &e.StoryID, &e.Type, &e.CommentID, &e.CreatedAt)
	e.CreatedAt = e.CreatedAt.UTC()
	return e, err
}
