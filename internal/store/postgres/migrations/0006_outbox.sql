-- 0006: the durable outbox. A message is inserted in the unit of work that
-- caused it and sent by a relay after commit. A relay leases the messages it
-- claims (lease_owner, lease_until), so that a relay that died mid-send
-- leaves them to another once the lease ends; claims skip rows another
-- relay has locked, so relays on one database never claim the same row.

CREATE TABLE outbox_messages (
	id               text PRIMARY KEY,
	recipient        text NOT NULL,
	subject          text NOT NULL,
	text_body        text NOT NULL,
	html_body        text NOT NULL,
	list_unsubscribe text NOT NULL,
	created_at       timestamptz NOT NULL,
	state            text NOT NULL DEFAULT 'pending',
	attempts         integer NOT NULL DEFAULT 0,
	next_at          timestamptz NOT NULL,
	lease_owner      text NOT NULL DEFAULT '',
	lease_until      timestamptz,
	last_error       text NOT NULL DEFAULT '',
	done_at          timestamptz
);

-- what a claim looks for: pending messages that are due
CREATE INDEX outbox_messages_due ON outbox_messages (next_at) WHERE state = 'pending';
