-- 0012: the audit log (parley.AuditEntry) and the revisions of comments
-- (parley.Revision).
--
-- The audit log is the host's record of who did what: rows are only ever
-- appended, never changed, and hold no comment text, so a user's erasure
-- leaves them. An identity column never hands an ID out again; IDs are
-- taken before commit, which is why followers ask again for the holes
-- (AuditAfter's missing). Every AuditQuery filter has an index that starts
-- with the site and ends with the ID, so a page newest first is one index
-- range read backwards. No foreign keys: the log outlives what it names.
--
-- Revisions are the author's texts with the pipeline's verdict on each;
-- reasons are JSON text (a list of parley.Reason), kept as written so that
-- they read back exactly. Erasure deletes them.

CREATE TABLE audit_log (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id    text NOT NULL,
	action     text NOT NULL,
	story_id   text NOT NULL DEFAULT '',
	comment_id text NOT NULL DEFAULT '',
	user_id    text NOT NULL DEFAULT '',
	actor_id   text NOT NULL DEFAULT '',
	automated  boolean NOT NULL DEFAULT false,
	reason     text NOT NULL DEFAULT '',
	note       text NOT NULL DEFAULT '',
	before     text NOT NULL DEFAULT '',
	after      text NOT NULL DEFAULT '',
	ref        text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL
);
CREATE INDEX audit_site ON audit_log (site_id, id);
CREATE INDEX audit_comment ON audit_log (site_id, comment_id, id);
CREATE INDEX audit_user ON audit_log (site_id, user_id, id);
CREATE INDEX audit_actor ON audit_log (site_id, actor_id, id);
CREATE INDEX audit_story ON audit_log (site_id, story_id, id);
CREATE INDEX audit_action ON audit_log (site_id, action, id);

CREATE TABLE comment_revisions (
	comment_id text NOT NULL REFERENCES comments (id),
	n          integer NOT NULL CHECK (n > 0),
	body       text NOT NULL,
	html       text NOT NULL,
	status     text NOT NULL,
	reasons    text NOT NULL DEFAULT '[]',
	created_at timestamptz NOT NULL,
	PRIMARY KEY (comment_id, n)
);
