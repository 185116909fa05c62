-- 0016: notices of illegal content and complaints against decisions (the
-- Digital Services Act's Art. 16 and 20). A notice's reference is its key,
-- given out as the notifier's receipt. notices_queue pages a site's notices
-- of one status oldest first, the order they are due in; notices_time pages
-- every status and serves the transparency report's period.
-- notices_forget finds the decided notices that still hold a notifier's
-- name or address. A complaint names the audit entry it contests, once:
-- the unique key is the "once" of Art. 20.

CREATE TABLE notices (
	reference   TEXT PRIMARY KEY,
	site_id     TEXT NOT NULL REFERENCES sites (id),
	comment_id  TEXT NOT NULL REFERENCES comments (id),
	story_id    TEXT NOT NULL,
	user_id     TEXT NOT NULL DEFAULT '',
	kind        TEXT NOT NULL,
	law         TEXT NOT NULL DEFAULT '',
	explanation TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	email       TEXT NOT NULL DEFAULT '',
	lang        TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	decision    TEXT NOT NULL DEFAULT '',
	ground      TEXT NOT NULL DEFAULT '',
	basis       TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	automated   INTEGER NOT NULL DEFAULT 0,
	decided_by  TEXT NOT NULL DEFAULT '',
	reviewed_by TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	decided_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_queue ON notices (site_id, status, created_at, reference);
CREATE INDEX notices_time ON notices (site_id, created_at, reference);
CREATE INDEX notices_forget ON notices (decided_at) WHERE status = 'decided' AND (name <> '' OR email <> '');

CREATE TABLE complaints (
	reference   TEXT PRIMARY KEY,
	site_id     TEXT NOT NULL REFERENCES sites (id),
	entry_id    INTEGER NOT NULL UNIQUE,
	action      TEXT NOT NULL,
	comment_id  TEXT NOT NULL DEFAULT '',
	user_id     TEXT NOT NULL,
	notice_ref  TEXT NOT NULL DEFAULT '',
	explanation TEXT NOT NULL,
	lang        TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	outcome     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	decided_by  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	decided_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX complaints_queue ON complaints (site_id, status, created_at, reference);
CREATE INDEX complaints_time ON complaints (site_id, created_at, reference);
