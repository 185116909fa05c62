-- 0001: Parley's initial schema. Times are timestamptz (returned as UTC);
-- durations are bigint milliseconds; a NULL timestamp is a zero time.Time.

CREATE TABLE sites (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    origins         text[] NOT NULL DEFAULT '{}',
    allow_anonymous boolean NOT NULL,
    edit_window_ms  bigint NOT NULL,
    max_body_length integer NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE TABLE stories (
    site_id       text NOT NULL REFERENCES sites (id),
    id            text NOT NULL,
    url           text NOT NULL,
    title         text NOT NULL,
    lang          text NOT NULL,
    status        text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (site_id, id)
);

-- A story's CommentCount is the sum of its slots. Each connection adds to
-- its own slot (backend PID modulo 64), so concurrent commenters on one story
-- do not queue for one row lock held until their commits reach the disk,
-- and PostgreSQL can flush their commits together.
CREATE TABLE story_counts (
    site_id  text NOT NULL,
    story_id text NOT NULL,
    slot     smallint NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (site_id, story_id, slot)
);

CREATE TABLE users (
    id         text PRIMARY KEY,
    site_id    text NOT NULL REFERENCES sites (id),
    name       text NOT NULL,
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL
);

-- Users signed in from elsewhere have no commenter token: only real hashes
-- must be unique.
CREATE UNIQUE INDEX users_token_hash ON users (token_hash) WHERE token_hash <> '';

CREATE TABLE comments (
    id             text PRIMARY KEY,
    site_id        text NOT NULL,
    story_id       text NOT NULL,
    parent_id      text NOT NULL DEFAULT '',
    root_id        text NOT NULL,
    depth          integer NOT NULL,
    author_id      text NOT NULL,
    author_name    text NOT NULL,
    body           text NOT NULL,
    html           text NOT NULL,
    status         text NOT NULL,
    reply_count    integer NOT NULL DEFAULT 0,
    reaction_count integer NOT NULL DEFAULT 0,
    report_count   integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    edited_at      timestamptz,
    deleted_at     timestamptz,
    FOREIGN KEY (site_id, story_id) REFERENCES stories (site_id, id)
);

-- Page indexes hold only Shown comments (the predicate is parley.Shown and
-- must match the queries' filter word for word), so page 1 of any order
-- reads about one page of entries however long or moderated the story.
CREATE INDEX comments_page_time ON comments (site_id, story_id, parent_id, id)
    WHERE status = 'approved' OR (status = 'deleted' AND reply_count > 0);
CREATE INDEX comments_page_reactions ON comments (site_id, story_id, parent_id, reaction_count, id)
    WHERE status = 'approved' OR (status = 'deleted' AND reply_count > 0);
CREATE INDEX comments_page_replies ON comments (site_id, story_id, parent_id, reply_count, id)
    WHERE status = 'approved' OR (status = 'deleted' AND reply_count > 0);
-- Replies by parent, for Replies, which knows only parent IDs; top-level
-- comments stay out of it.
CREATE INDEX comments_replies ON comments (parent_id, id)
    WHERE parent_id <> '' AND (status = 'approved' OR (status = 'deleted' AND reply_count > 0));
CREATE INDEX comments_author ON comments (author_id, site_id, story_id, id);

CREATE TABLE reactions (
    comment_id text NOT NULL REFERENCES comments (id),
    user_id    text NOT NULL,
    site_id    text NOT NULL,
    story_id   text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

CREATE INDEX reactions_user ON reactions (user_id, site_id, story_id);

CREATE TABLE reports (
    id         text PRIMARY KEY,
    comment_id text NOT NULL REFERENCES comments (id),
    user_id    text NOT NULL,
    reason     text NOT NULL,
    note       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (comment_id, user_id)
);
