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
	name     text PRIMARY KEY,
	position bigint NOT NULL,
	missing  text NOT NULL DEFAULT '[]',
	version  bigint NOT NULL
);

CREATE TABLE inbox (
	id         text PRIMARY KEY,
	user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	site_id    text NOT NULL,
	kind       text NOT NULL,
	story_id   text NOT NULL DEFAULT '',
	comment_id text NOT NULL DEFAULT '',
	entry_id   bigint NOT NULL DEFAULT 0,
	reason     text NOT NULL DEFAULT '',
	note       text NOT NULL DEFAULT '',
	until      timestamptz,
	read       boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX inbox_once ON inbox (user_id, kind, comment_id, entry_id);
CREATE INDEX inbox_page ON inbox (user_id, id);
CREATE INDEX inbox_unread ON inbox (user_id) WHERE NOT read;

CREATE TABLE webhooks (
	id         text PRIMARY KEY,
	site_id    text NOT NULL REFERENCES sites (id),
	url        text NOT NULL,
	events     text NOT NULL,
	secrets    text NOT NULL,
	created_at timestamptz NOT NULL
);
CREATE INDEX webhooks_site ON webhooks (site_id, created_at);

CREATE TABLE webhook_deliveries (
	id          text PRIMARY KEY,
	webhook_id  text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	site_id     text NOT NULL,
	event       text NOT NULL,
	key         text NOT NULL,
	payload     text NOT NULL,
	state       text NOT NULL,
	attempts    integer NOT NULL DEFAULT 0,
	next_at     timestamptz NOT NULL,
	lease_owner text NOT NULL DEFAULT '',
	lease_until timestamptz,
	last_status integer NOT NULL DEFAULT 0,
	last_error  text NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, key);
CREATE INDEX webhook_deliveries_page ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_age ON webhook_deliveries (created_at) WHERE state <> 'pending';

CREATE TABLE webhook_attempts (
	delivery_id text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
	attempt     integer NOT NULL,
	at          timestamptz NOT NULL,
	status      integer NOT NULL,
	latency_ms  bigint NOT NULL,
	error       text NOT NULL DEFAULT '',
	PRIMARY KEY (delivery_id, attempt, at)
);
