-- 0002: each story's event log, for live updates that a reader can replay
-- with Last-Event-ID. Every write that readers can see appends a row in the
-- same transaction as its change. Rows carry no payload: the stream loads
-- the comment as it is when it sends the event.
--
-- AUTOINCREMENT, unlike a plain rowid, never hands out an ID again after the
-- newest rows are deleted, so pruning can never make a reader's
-- Last-Event-ID point at a different event. No foreign keys: the log only
-- records, and pruning or deleting stories must not depend on it.

CREATE TABLE events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	site_id    TEXT NOT NULL,
	story_id   TEXT NOT NULL,
	type       TEXT NOT NULL,
	comment_id TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE INDEX events_story ON events (site_id, story_id, id);
CREATE INDEX events_story_time ON events (site_id, story_id, created_at);
