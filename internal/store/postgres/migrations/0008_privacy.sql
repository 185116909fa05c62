-- 0008: reply notifications and the reader's privacy. A site's privacy
-- settings (erase policy, IP retention) are JSON as sso is. Comments and
-- reports keep a keyed hash of the address they came from, NULL once the
-- retention has passed; the partial indexes hold only the rows that still
-- have one, so the hourly purge reads what it clears and nothing else.
-- comments_author_time pages a reader's comments across stories, newest
-- first. Pending notifications wait for their batch per reader and story;
-- a notifier leases them as a relay leases outbox messages.

ALTER TABLE sites ADD COLUMN privacy text NOT NULL DEFAULT '{}';

ALTER TABLE comments ADD COLUMN ip_hash text;
ALTER TABLE reports ADD COLUMN ip_hash text;
CREATE INDEX comments_ip ON comments (site_id, created_at) WHERE ip_hash IS NOT NULL;
CREATE INDEX reports_ip ON reports (created_at) WHERE ip_hash IS NOT NULL;
CREATE INDEX comments_author_time ON comments (author_id, id);
CREATE INDEX reports_user ON reports (user_id, created_at);

CREATE TABLE notification_settings (
	user_id    text PRIMARY KEY REFERENCES users (id),
	site_id    text NOT NULL,
	replies    boolean NOT NULL DEFAULT false,
	lang       text NOT NULL DEFAULT '',
	updated_at timestamptz NOT NULL
);

CREATE TABLE pending_notifications (
	id          text PRIMARY KEY,
	site_id     text NOT NULL,
	user_id     text NOT NULL,
	story_id    text NOT NULL,
	comment_id  text NOT NULL,
	created_at  timestamptz NOT NULL,
	lease_owner text NOT NULL DEFAULT '',
	lease_until timestamptz
);
CREATE INDEX pending_notifications_batch ON pending_notifications (user_id, story_id, created_at);
CREATE INDEX pending_notifications_age ON pending_notifications (created_at);
