-- 0010: passkeys (WebAuthn). A site's passkey settings are JSON beside its
-- other settings; passkeys are kept per user with what checking a signature
-- needs, unique per site by credential ID (the ID a discoverable sign-in
-- finds them by); ceremonies keep a begun registration or sign-in by the
-- hash of its ID until its finish, which may land on another instance.

ALTER TABLE sites ADD COLUMN passkeys TEXT NOT NULL DEFAULT '{}';

CREATE TABLE passkeys (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL REFERENCES users (id),
	site_id       TEXT NOT NULL,
	credential_id BLOB NOT NULL,
	public_key    BLOB NOT NULL,
	sign_count    INTEGER NOT NULL,
	transports    TEXT NOT NULL DEFAULT '[]',
	aaguid        BLOB NOT NULL,
	flags         INTEGER NOT NULL,
	name          TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	last_used_at  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (site_id, credential_id)
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE passkey_ceremonies (
	hash       TEXT PRIMARY KEY,
	site_id    TEXT NOT NULL,
	user_id    TEXT NOT NULL DEFAULT '',
	kind       TEXT NOT NULL,
	data       BLOB NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX passkey_ceremonies_expires ON passkey_ceremonies (expires_at);
