-- 0014: moderation queues and sanctions.
--
-- Comments get the moderators' marks: featured, newcomer (written while
-- the author had fewer approved comments than the site asks; cleared when a
-- moderator decides on it) and reports_reviewed (the report_count a
-- moderator last saw, so that only later reports bring it back to the
-- reported queue). Users get their standing on their site (times in
-- milliseconds, 0 for none) and their counts, kept by the store in the
-- transaction of each change as parley.Transition says; the existing rows
-- are counted once here.
--
-- Every queue is a page newest first on an index of its own, per site and
-- per story: the status queues (pending, rejected, approved) on
-- (site, status, id) and (site, story, status, id); reported, new and
-- featured on partial indexes that hold only their comments, whose
-- predicates the queries repeat word for word so that SQLite uses them. A
-- search by hashed address seeks comments_ip_hash; one by author the author
-- index of 0008. A text search filters the rows of the queue's index.

ALTER TABLE comments ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN newcomer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reports_reviewed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reviewed_at INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN warned_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN banned_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN approved_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN rejected_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN reports_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN notes_count INTEGER NOT NULL DEFAULT 0;

UPDATE users SET
	approved_count = (SELECT count(*) FROM comments WHERE author_id = users.id AND status = 'approved'),
	pending_count = (SELECT count(*) FROM comments WHERE author_id = users.id AND status = 'pending'),
	rejected_count = (SELECT count(*) FROM comments WHERE author_id = users.id AND status = 'rejected'),
	reports_count = (SELECT coalesce(sum(report_count), 0) FROM comments WHERE author_id = users.id);

CREATE INDEX comments_queue ON comments (site_id, status, id);
CREATE INDEX comments_queue_story ON comments (site_id, story_id, status, id);
CREATE INDEX comments_reported ON comments (site_id, id)
	WHERE report_count > reports_reviewed AND status = 'approved';
CREATE INDEX comments_reported_story ON comments (site_id, story_id, id)
	WHERE report_count > reports_reviewed AND status = 'approved';
CREATE INDEX comments_new ON comments (site_id, id)
	WHERE newcomer = 1 AND status IN ('pending', 'approved');
CREATE INDEX comments_new_story ON comments (site_id, story_id, id)
	WHERE newcomer = 1 AND status IN ('pending', 'approved');
CREATE INDEX comments_featured ON comments (site_id, id) WHERE featured = 1;
CREATE INDEX comments_featured_story ON comments (site_id, story_id, id) WHERE featured = 1;
CREATE INDEX comments_ip_hash ON comments (ip_hash, id) WHERE ip_hash IS NOT NULL;
