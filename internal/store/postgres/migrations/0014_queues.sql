-- 0014: moderation queues and sanctions.
--
-- Comments get the moderators' marks: featured, newcomer (written while
-- the author had fewer approved comments than the site asks; cleared when a
-- moderator decides on it) and reports_reviewed (the report_count a
-- moderator last saw, so that only later reports bring it back to the
-- reported queue). Users get their standing on their site (NULL for none)
-- and their counts, kept by the store in the transaction of each change as
-- parley.Transition says; the existing rows are counted once here.
--
-- Every queue is a page newest first on an index of its own, per site and
-- per story: the status queues (pending, rejected, approved) on
-- (site, status, id) and (site, story, status, id); reported, new and
-- featured on partial indexes that hold only their comments. A search by
-- hashed address seeks comments_ip_hash; one by author the author index of
-- 0008. A text search filters the rows of the queue's index.

ALTER TABLE comments
	ADD COLUMN featured boolean NOT NULL DEFAULT false,
	ADD COLUMN newcomer boolean NOT NULL DEFAULT false,
	ADD COLUMN reports_reviewed integer NOT NULL DEFAULT 0,
	ADD COLUMN reviewed_at timestamptz;

ALTER TABLE users
	ADD COLUMN warned_at timestamptz,
	ADD COLUMN suspended_until timestamptz,
	ADD COLUMN banned_at timestamptz,
	ADD COLUMN approved_count integer NOT NULL DEFAULT 0,
	ADD COLUMN pending_count integer NOT NULL DEFAULT 0,
	ADD COLUMN rejected_count integer NOT NULL DEFAULT 0,
	ADD COLUMN reports_count integer NOT NULL DEFAULT 0,
	ADD COLUMN notes_count integer NOT NULL DEFAULT 0;

UPDATE users u SET
	approved_count = c.approved, pending_count = c.pending, rejected_count = c.rejected, reports_count = c.reports
FROM (
	SELECT author_id,
		count(*) FILTER (WHERE status = 'approved') AS approved,
		count(*) FILTER (WHERE status = 'pending') AS pending,
		count(*) FILTER (WHERE status = 'rejected') AS rejected,
		sum(report_count) AS reports
	FROM comments GROUP BY author_id
) c
WHERE c.author_id = u.id;

CREATE INDEX comments_queue ON comments (site_id, status, id);
CREATE INDEX comments_queue_story ON comments (site_id, story_id, status, id);
CREATE INDEX comments_reported ON comments (site_id, id)
	WHERE report_count > reports_reviewed AND status = 'approved';
CREATE INDEX comments_reported_story ON comments (site_id, story_id, id)
	WHERE report_count > reports_reviewed AND status = 'approved';
CREATE INDEX comments_new ON comments (site_id, id)
	WHERE newcomer AND status IN ('pending', 'approved');
CREATE INDEX comments_new_story ON comments (site_id, story_id, id)
	WHERE newcomer AND status IN ('pending', 'approved');
CREATE INDEX comments_featured ON comments (site_id, id) WHERE featured;
CREATE INDEX comments_featured_story ON comments (site_id, story_id, id) WHERE featured;
CREATE INDEX comments_ip_hash ON comments (ip_hash, id) WHERE ip_hash IS NOT NULL;
