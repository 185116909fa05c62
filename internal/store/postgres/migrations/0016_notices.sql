-- 0016: notices of illegal content and complaints against decisions (the
-- Digital Services Act's Art. 16 and 20). A notice's reference is its key,
-- given out as the notifier's receipt. notices_queue pages a site's notices
-- of one status oldest first, the order they are due in; notices_time pages
-- every status and serves the transparency report's period.
-- notices_forget finds the decided notices that still hold a notifier's
-- name or address. A complaint names the audit entry it contests, once:
-- the unique key is the "once" of Art. 20.

CREATE TABLE notices (
	reference   text PRIMARY KEY,
	site_id     text NOT NULL REFERENCES sites (id),
	comment_id  text NOT NULL REFERENCES comments (id),
	story_id    text NOT NULL,
	user_id     text NOT NULL DEFAULT '',
	kind        text NOT NULL,
	law         text NOT NULL DEFAULT '',
	explanation text NOT NULL,
	name        text NOT NULL DEFAULT '',
	email       text NOT NULL DEFAULT '',
	lang        text NOT NULL DEFAULT '',
	status      text NOT NULL,
	decision    text NOT NULL DEFAULT '',
	ground      text NOT NULL DEFAULT '',
	basis       text NOT NULL DEFAULT '',
	note        text NOT NULL DEFAULT '',
	automated   boolean NOT NULL DEFAULT false,
	decided_by  text NOT NULL DEFAULT '',
	reviewed_by text NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL,
	decided_at  timestamptz
);
CREATE INDEX notices_queue ON notices (site_id, status, created_at, reference);
CREATE INDEX notices_time ON notices (site_id, created_at, reference);
CREATE INDEX notices_forget ON notices (decided_at) WHERE status = 'decided' AND (name <> '' OR email <> '');

CREATE TABLE complaints (
	reference   text PRIMARY KEY,
	site_id     text NOT NULL REFERENCES sites (id),
	entry_id    bigint NOT NULL UNIQUE,
	action      text NOT NULL,
	comment_id  text NOT NULL DEFAULT '',
	user_id     text NOT NULL,
	notice_ref  text NOT NULL DEFAULT '',
	explanation text NOT NULL,
	lang        text NOT NULL DEFAULT '',
	status      text NOT NULL,
	outcome     text NOT NULL DEFAULT '',
	note        text NOT NULL DEFAULT '',
	decided_by  text NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL,
	decided_at  timestamptz
);
CREATE INDEX complaints_queue ON complaints (site_id, status, created_at, reference);
CREATE INDEX complaints_time ON complaints (site_id, created_at, reference);
