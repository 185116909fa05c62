-- 0013: the moderation pipeline. A site's moderation settings are JSON
-- beside its others (parley.Moderation); a story may override the site's
-- pre-moderation mode ('' follows the site); each site keeps its own
-- banned and suspect words per language, one row an entry, read whole
-- when an instance compiles the lists (rarely: see Moderation.WordsVersion).

ALTER TABLE sites ADD COLUMN moderation text NOT NULL DEFAULT '{}';
ALTER TABLE stories ADD COLUMN premoderation text NOT NULL DEFAULT '';

CREATE TABLE site_words (
	site_id    text NOT NULL REFERENCES sites (id),
	list       text NOT NULL CHECK (list IN ('banned', 'suspect')),
	lang       text NOT NULL,
	word       text NOT NULL COLLATE "C",
	created_at timestamptz NOT NULL,
	PRIMARY KEY (site_id, list, lang, word)
);
