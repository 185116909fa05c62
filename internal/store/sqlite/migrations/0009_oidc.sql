-- 0009: sign-in with an OpenID Connect provider. A site's provider settings
-- are one JSON column, as sso is; oidc_flows keeps each sign-in under way
-- from the start to the callback, by the hash of its state, in the database
-- because the callback may reach another instance than the start did.

ALTER TABLE sites ADD COLUMN oidc TEXT NOT NULL DEFAULT '{}';

CREATE TABLE oidc_flows (
	state_hash TEXT PRIMARY KEY,
	site_id    TEXT NOT NULL,
	nonce      TEXT NOT NULL,
	verifier   TEXT NOT NULL,
	origin     TEXT NOT NULL,
	lang       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_flows_expires ON oidc_flows (expires_at); -- CreateOIDCFlow purges
