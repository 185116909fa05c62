-- 0017: what followers derive from the event and audit logs. A cursor is
-- a follower's position in one log, with the IDs it has not seen below
-- it (JSON); version makes advancing it a compare-and-set, so that two
-- instances never derive the same entry twice. The inbox holds readers'
-- notifications, at most one per kind, comment and audit entry (the
-- unique index makes deriving an entry again a no-op); inbox_unread
-- holds only unread rows, so the bell's count reads what it counts.
-- Webhooks are a site's endpoints with their events and secrets (JSON);
-- deliveries are their outbox, claimed with a lease as outbox messages
-- are, and webhook_attempts the delivery log.

CREATE TABLE cursors (
	name     TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	missing  TEXT NOT NULL DEFAULT '[]',
	version  INTEGER NOT NULL
);

CREATE TABLE inbox (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	site_id    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	story_id   TEXT NOT NULL DEFAULT '',
	comment_id TEXT NOT NULL DEFAULT '',
	entry_id   INTEGER NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	until      INTEGER NOT NULL DEFAULT 0,
	read       INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX inbox_once ON inbox (user_id, kind, comment_id, entry_id);
CREATE INDEX inbox_page ON inbox (user_id, id);
CREATE INDEX inbox_unread ON inbox (user_id) WHERE NOT read;

CREATE TABLE webhooks (
	id         TEXT PRIMARY KEY,
	site_id    TEXT NOT NULL REFERENCES sites (id),
	url        TEXT NOT NULL,
	events     TEXT NOT NULL,
	secrets    TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_site ON webhooks (site_id, created_at);

CREATE TABLE webhook_deliveries (
	id          TEXT PRIMARY KEY,
	webhook_id  TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	site_id     TEXT NOT NULL,
	event       TEXT NOT NULL,
	key         TEXT NOT NULL,
	payload     TEXT NOT NULL,
	state       TEXT NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	last_status INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, key);
CREATE INDEX webhook_deliveries_page ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_age ON webhook_deliveries (created_at) WHERE state <> 'pending';

CREATE TABLE webhook_attempts (
	delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
	attempt     INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	status      INTEGER NOT NULL,
	latency_ms  INTEGER NOT NULL,
	error       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (delivery_id, attempt, at)
);
