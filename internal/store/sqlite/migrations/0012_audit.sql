-- 0012: the audit log (parley.AuditEntry) and the revisions of comments
-- (parley.Revision).
--
-- The audit log is the host's record of who did what: rows are only ever
-- appended, never changed, and hold no comment text, so a user's erasure
-- leaves them. AUTOINCREMENT, as for events, never hands an ID out again, so
-- a follower's position always names the same entry. Every AuditQuery
-- filter has an index that starts with the site and ends with the ID, so a
-- page newest first is one index range read backwards. No foreign keys: the
-- log outlives what it names.
--
-- Revisions are the author's texts with the pipeline's verdict on each;
-- reasons are JSON (a list of parley.Reason). Erasure deletes them.

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	site_id    TEXT NOT NULL,
	action     TEXT NOT NULL,
	story_id   TEXT NOT NULL DEFAULT '',
	comment_id TEXT NOT NULL DEFAULT '',
	user_id    TEXT NOT NULL DEFAULT '',
	actor_id   TEXT NOT NULL DEFAULT '',
	automated  INTEGER NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	before     TEXT NOT NULL DEFAULT '',
	after      TEXT NOT NULL DEFAULT '',
	ref        TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX audit_site ON audit_log (site_id, id);
CREATE INDEX audit_comment ON audit_log (site_id, comment_id, id);
CREATE INDEX audit_user ON audit_log (site_id, user_id, id);
CREATE INDEX audit_actor ON audit_log (site_id, actor_id, id);
CREATE INDEX audit_story ON audit_log (site_id, story_id, id);
CREATE INDEX audit_action ON audit_log (site_id, action, id);

CREATE TABLE comment_revisions (
	comment_id TEXT NOT NULL REFERENCES comments (id),
	n          INTEGER NOT NULL CHECK (n > 0),
	body       TEXT NOT NULL,
	html       TEXT NOT NULL,
	status     TEXT NOT NULL,
	reasons    TEXT NOT NULL DEFAULT '[]',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (comment_id, n)
) WITHOUT ROWID;
