-- 0005: signing in. Sessions are kept by the hash of their token only;
-- identities tie a sign-in subject (the publisher's SSO sub) to one user for
-- good, so that a changed name or e-mail never makes a second account;
-- token_ids remember each SSO token's jti until it expires, so that a
-- token replayed to any instance is refused.

ALTER TABLE sites ADD COLUMN session_ttl_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN sso text NOT NULL DEFAULT '{}';

ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN badges text NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'commenter';

CREATE TABLE sessions (
	hash       text PRIMARY KEY,
	user_id    text NOT NULL REFERENCES users (id),
	site_id    text NOT NULL,
	method     text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at); -- PurgeExpired

CREATE TABLE identities (
	site_id    text NOT NULL,
	subject    text NOT NULL,
	user_id    text NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL,
	PRIMARY KEY (site_id, subject)
);

CREATE TABLE token_ids (
	site_id    text NOT NULL,
	jti        text NOT NULL,
	expires_at timestamptz NOT NULL,
	PRIMARY KEY (site_id, jti)
);
CREATE INDEX token_ids_expires ON token_ids (expires_at); -- PurgeExpired
