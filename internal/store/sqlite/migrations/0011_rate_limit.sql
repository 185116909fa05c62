-- 0011: a site's limit on posting (parley.RateLimit), JSON as sso is; '{}'
-- is the default limit. Duplicates are found by the author index of 0008
-- (comments_author_time), so comments need no new column.

ALTER TABLE sites ADD COLUMN rate_limit TEXT NOT NULL DEFAULT '{}';
