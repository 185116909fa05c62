-- 0010: passkeys (WebAuthn). A site's passkey settings are JSON beside its
-- other settings; passkeys are kept per user with what checking a signature
-- needs, unique per site by credential ID (the ID a discoverable sign-in
-- finds them by); ceremonies keep a begun registration or sign-in by the
-- hash of its ID until its finish, which may land on another instance.

ALTER TABLE sites ADD COLUMN passkeys text NOT NULL DEFAULT '{}';

CREATE TABLE passkeys (
	id            text PRIMARY KEY,
	user_id       text NOT NULL REFERENCES users (id),
	site_id       text NOT NULL,
	credential_id bytea NOT NULL,
	public_key    bytea NOT NULL,
	sign_count    bigint NOT NULL,
	transports    text[] NOT NULL DEFAULT '{}',
	aaguid        bytea NOT NULL,
	flags         smallint NOT NULL,
	name          text NOT NULL,
	created_at    timestamptz NOT NULL,
	last_used_at  timestamptz,
	UNIQUE (site_id, credential_id)
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE passkey_ceremonies (
	hash       text PRIMARY KEY,
	site_id    text NOT NULL,
	user_id    text NOT NULL DEFAULT '',
	kind       text NOT NULL,
	data       bytea NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX passkey_ceremonies_expires ON passkey_ceremonies (expires_at);
