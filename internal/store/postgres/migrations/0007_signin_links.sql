-- 0007: e-mail sign-in. A link is kept by the hash of its token only, and
-- stays after use until it expires, so that the rate limit per address can
-- count the links of the last minutes (by address_key, a keyed hash of the
-- address) on every instance. A code is kept by its hash until exchanged.

ALTER TABLE sites ADD COLUMN email_signin text NOT NULL DEFAULT '{}';

CREATE TABLE signin_links (
	hash        text PRIMARY KEY,
	site_id     text NOT NULL,
	email       text NOT NULL,
	address_key text NOT NULL,
	return_url  text NOT NULL,
	lang        text NOT NULL,
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz
);
CREATE INDEX signin_links_address ON signin_links (address_key, created_at); -- CountSignInLinks
CREATE INDEX signin_links_expires ON signin_links (expires_at); -- PurgeSignIns

CREATE TABLE signin_codes (
	hash       text PRIMARY KEY,
	site_id    text NOT NULL,
	user_id    text NOT NULL REFERENCES users (id),
	method     text NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX signin_codes_expires ON signin_codes (expires_at); -- PurgeSignIns

CREATE INDEX users_role ON users (site_id, role) WHERE role IN ('staff', 'moderator', 'admin'); -- UsersByRole
