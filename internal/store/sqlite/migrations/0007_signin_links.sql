-- 0007: e-mail sign-in. A link is kept by the hash of its token only, and
-- stays after use until it expires, so that the rate limit per address can
-- count the links of the last minutes (by address_key, a keyed hash of the
-- address) on every instance. A code is kept by its hash until exchanged.
-- Times are Unix milliseconds; used_at is 0 until the link is used.

ALTER TABLE sites ADD COLUMN email_signin TEXT NOT NULL DEFAULT '{}';

CREATE TABLE signin_links (
	hash        TEXT PRIMARY KEY,
	site_id     TEXT NOT NULL,
	email       TEXT NOT NULL,
	address_key TEXT NOT NULL,
	return_url  TEXT NOT NULL,
	lang        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX signin_links_address ON signin_links (address_key, created_at); -- CountSignInLinks
CREATE INDEX signin_links_expires ON signin_links (expires_at); -- PurgeSignIns

CREATE TABLE signin_codes (
	hash       TEXT PRIMARY KEY,
	site_id    TEXT NOT NULL,
	user_id    TEXT NOT NULL REFERENCES users (id),
	method     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX signin_codes_expires ON signin_codes (expires_at); -- PurgeSignIns

CREATE INDEX users_role ON users (site_id, role) WHERE role IN ('staff', 'moderator', 'admin'); -- UsersByRole
