-- 0009: sign-in with an OpenID Connect provider. A site's provider settings
-- are one JSON column, as sso is; oidc_flows keeps each sign-in under way
-- from the start to the callback, by the hash of its state, in the database
-- because the callback may reach another instance than the start did.

ALTER TABLE sites ADD COLUMN oidc text NOT NULL DEFAULT '{}';

CREATE TABLE oidc_flows (
	state_hash text PRIMARY KEY,
	site_id    text NOT NULL,
	nonce      text NOT NULL,
	verifier   text NOT NULL,
	origin     text NOT NULL,
	lang       text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_flows_expires ON oidc_flows (expires_at); -- CreateOIDCFlow purges
