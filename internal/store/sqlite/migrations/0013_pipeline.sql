-- 0013: the moderation pipeline. A site's moderation settings are JSON
-- beside its others (parley.Moderation); a story may override the site's
-- pre-moderation mode ('' follows the site); each site keeps its own
-- banned and suspect words per language, one row an entry, read whole
-- when an instance compiles the lists (rarely: see Moderation.WordsVersion).

ALTER TABLE sites ADD COLUMN moderation TEXT NOT NULL DEFAULT '{}';
ALTER TABLE stories ADD COLUMN premoderation TEXT NOT NULL DEFAULT '';

CREATE TABLE site_words (
	site_id    TEXT NOT NULL REFERENCES sites (id),
	list       TEXT NOT NULL CHECK (list IN ('banned', 'suspect')),
	lang       TEXT NOT NULL,
	word       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (site_id, list, lang, word)
) WITHOUT ROWID;
