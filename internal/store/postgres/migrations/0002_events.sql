-- 0002: each story's event log, for live updates that a reader can replay
-- with Last-Event-ID. Every write that readers can see appends a row in the
-- same transaction (mostly the same statement) as its change. Rows carry no
-- payload: the stream loads the comment as it is when it sends the event.
--
-- IDs come from a sequence before commit, so a lower ID can become visible
-- after a higher one; readers also ask by created_at, which is why it has an
-- index of its own. created_at is the database's clock (the transaction's
-- start), one clock for every instance. No foreign keys: the log only
-- records, and pruning or deleting stories must not depend on it, nor should
-- appending take locks on the rows it names.

CREATE TABLE events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id    text NOT NULL,
    story_id   text NOT NULL,
    type       text NOT NULL,
    comment_id text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_story ON events (site_id, story_id, id);
CREATE INDEX events_story_time ON events (site_id, story_id, created_at);
