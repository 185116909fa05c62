-- 0006: the durable outbox. A message is inserted in the unit of work that
-- caused it and sent by a relay after commit. A relay leases the messages it
-- claims (lease_owner, lease_until), so that a relay that died mid-send
-- leaves them to another once the lease ends. Times are Unix milliseconds.

CREATE TABLE outbox_messages (
	id               TEXT PRIMARY KEY,
	recipient        TEXT NOT NULL,
	subject          TEXT NOT NULL,
	text_body        TEXT NOT NULL,
	html_body        TEXT NOT NULL,
	list_unsubscribe TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	state            TEXT NOT NULL DEFAULT 'pending',
	attempts         INTEGER NOT NULL DEFAULT 0,
	next_at          INTEGER NOT NULL,
	lease_owner      TEXT NOT NULL DEFAULT '',
	lease_until      INTEGER NOT NULL DEFAULT 0,
	last_error       TEXT NOT NULL DEFAULT '',
	done_at          INTEGER NOT NULL DEFAULT 0
);

-- what a claim looks for: pending messages that are due
CREATE INDEX outbox_messages_due ON outbox_messages (next_at) WHERE state = 'pending';
