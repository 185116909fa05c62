package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parley"
)

// eventColumns are the columns of the events table, in StoredEvent's order.
const eventColumns = `id, site_id, story_id, type, comment_id, created_at`

// eventsQuery reads a story's events after an ID or since a time: ?1 site,
// ?2 story, ?3 afterID, ?4 since (NULL for no time condition), ?5 limit.
// Each branch seeks its own index and stops at limit, so a reader who
// catches up reads about limit rows however long the story's log is.
// Both branches must be ordered by ID before their limit: the first rows
// of the union are the first rows of one branch or the other.
//
// With one writer, SQLite assigns IDs in commit order, so the time branch
// only ever repeats events; it is there because the contract has it.
const eventsQuery = `SELECT ` + eventColumns + ` FROM (
		SELECT ` + eventColumns + ` FROM events WHERE site_id = ?1 AND story_id = ?2 AND id > ?3
		ORDER BY id LIMIT ?5)
	UNION
	SELECT ` + eventColumns + ` FROM (
		SELECT ` + eventColumns + ` FROM events WHERE site_id = ?1 AND story_id = ?2 AND created_at >= ?4
		ORDER BY id LIMIT ?5)
	ORDER BY id LIMIT ?5`

// logEventsQuery reads the whole log after an ID (?1), with the missing
// IDs below it (?2, a JSON array), at most ?3. Both branches seek the
// primary key; the second only looks up the holes the reader asks for.
const logEventsQuery = `SELECT ` + eventColumns + ` FROM (
		SELECT ` + eventColumns + ` FROM events WHERE id > ?1 ORDER BY id LIMIT ?3)
	UNION
	SELECT ` + eventColumns + ` FROM events WHERE id IN (SELECT value FROM json_each(?2)) AND id <= ?1
	ORDER BY id LIMIT ?3`

// lastEventQuery reads the highest event ID of a story: ?1 site, ?2 story.
const lastEventQuery = `SELECT coalesce(max(id), 0) FROM events WHERE site_id = ? AND story_id = ?`

// appendEvent adds an event to a story's log inside the write's savepoint,
// so that it commits, or is undone, with the change it names. at is the
// write's own time.
func appendEvent(ctx context.Context, tx *txn, siteID, storyID, typ, commentID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events (site_id, story_id, type, comment_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, siteID, storyID, typ, commentID, millis(at))
	return mapError(err, "Event", "Story")
}

// Events returns a story's events after afterID or since a time, by ID.
func (s *Store) Events(ctx context.Context, siteID, storyID string, afterID int64, since time.Time, limit int) ([]parley.StoredEvent, error) {
	if limit < 1 {
		return nil, parley.Errorf(parley.EINVALID, "A page holds at least one event.")
	}
	var sinceArg any // NULL: created_at >= NULL is never true
	if !since.IsZero() {
		sinceArg = millis(since)
	}
	rows, err := s.read.QueryContext(ctx, eventsQuery, siteID, storyID, afterID, sinceArg, limit)
	return appendRows(nil, rows, err, scanEvent, "Event", "Story")
}

// LastEventID returns the highest event ID of a story, 0 if it has none.
func (s *Store) LastEventID(ctx context.Context, siteID, storyID string) (int64, error) {
	var id int64
	if err := s.queryRow(ctx, lastEventQuery, siteID, storyID).Scan(&id); err != nil {
		return 0, mapError(err, "Event", "Story")
	}
	return id, nil
}

// LogEvents returns the events of every story after afterID, and the
// missing ones, by ID.
func (s *Store) LogEvents(ctx context.Context, afterID int64, missing []int64, limit int) ([]parley.StoredEvent, error) {
	if err := parley.CheckLogQuery(missing, limit); err != nil {
		return nil, err
	}
	ids, err := json.Marshal(missing)
	if err != nil {
		return nil, fmt.Errorf("encode missing event IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, logEventsQuery, afterID, string(ids), limit)
	return appendRows(nil, rows, err, scanEvent, "Event", "Story")
}

// NewestEventID returns the highest event ID of the whole log.
func (s *Store) NewestEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&id); err != nil {
		return 0, mapError(err, "Event", "Story")
	}
	return id, nil
}

func scanEvent(row scanner) (parley.StoredEvent, error) {
	var e parley.StoredEvent
	var created int64
	err := row.Scan(&e.ID, &e.SiteID, &e.StoryID, &e.Type, &e.CommentID, &created)
	e.CreatedAt = fromMillis(created)
	return e, err
}
