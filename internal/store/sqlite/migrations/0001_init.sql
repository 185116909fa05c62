-- 0001: the initial schema. Times are Unix milliseconds, 0 for the zero
-- time; durations are milliseconds. Counts are kept by the store in the same
-- transaction as the change they count.

CREATE TABLE sites (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	origins         TEXT NOT NULL DEFAULT '[]', -- JSON array of origins
	allow_anonymous INTEGER NOT NULL DEFAULT 0,
	edit_window_ms  INTEGER NOT NULL,
	max_body_length INTEGER NOT NULL,
	created_at      INTEGER NOT NULL
);

CREATE TABLE stories (
	site_id       TEXT NOT NULL REFERENCES sites (id),
	id            TEXT NOT NULL,
	url           TEXT NOT NULL,
	title         TEXT NOT NULL,
	lang          TEXT NOT NULL,
	status        TEXT NOT NULL,
	comment_count INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	PRIMARY KEY (site_id, id)
);

CREATE TABLE users (
	id         TEXT PRIMARY KEY,
	site_id    TEXT NOT NULL REFERENCES sites (id),
	name       TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

-- Users who sign in elsewhere have no commenter token: only real hashes
-- must be unique.
CREATE UNIQUE INDEX users_token_hash ON users (token_hash) WHERE token_hash <> '';

CREATE TABLE comments (
	id             TEXT PRIMARY KEY,
	site_id        TEXT NOT NULL,
	story_id       TEXT NOT NULL,
	parent_id      TEXT NOT NULL DEFAULT '',
	root_id        TEXT NOT NULL,
	depth          INTEGER NOT NULL DEFAULT 0,
	author_id      TEXT NOT NULL,
	author_name    TEXT NOT NULL,
	body           TEXT NOT NULL,
	html           TEXT NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'deleted')),
	reply_count    INTEGER NOT NULL DEFAULT 0,
	reaction_count INTEGER NOT NULL DEFAULT 0,
	report_count   INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	edited_at      INTEGER NOT NULL DEFAULT 0,
	deleted_at     INTEGER NOT NULL DEFAULT 0,
	FOREIGN KEY (site_id, story_id) REFERENCES stories (site_id, id)
);

-- One index per sort order, so that a page starts at an index position and
-- reads about one page of entries however long the thread.
-- Top-level pages are sorted four ways; replies are always read oldest first
-- under their parent. Partial indexes keep a reply out of the three sort
-- indexes and a top-level comment out of the parent index, so that each
-- write touches only the indexes its reads need.
CREATE INDEX comments_top_time ON comments (site_id, story_id, id) WHERE parent_id = '';
CREATE INDEX comments_top_reactions ON comments (site_id, story_id, reaction_count, id) WHERE parent_id = '';
CREATE INDEX comments_top_replies ON comments (site_id, story_id, reply_count, id) WHERE parent_id = '';
CREATE INDEX comments_parent ON comments (parent_id, id) WHERE parent_id <> '';
CREATE INDEX comments_author ON comments (author_id, site_id, story_id, id);

CREATE TABLE reactions (
	comment_id TEXT NOT NULL REFERENCES comments (id),
	user_id    TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (comment_id, user_id)
) WITHOUT ROWID;

CREATE INDEX reactions_user ON reactions (user_id, comment_id);

CREATE TABLE reports (
	id         TEXT PRIMARY KEY,
	comment_id TEXT NOT NULL REFERENCES comments (id),
	user_id    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (comment_id, user_id)
);
