-- 0004: secrets shared by every instance on this database, such as the key
-- that signs the no-JavaScript form's tokens. A key is made once and never
-- changes; instances that start at once agree on the first one stored.

CREATE TABLE secret_keys (
	name       TEXT PRIMARY KEY,
	value      BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
