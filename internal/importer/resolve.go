package importer

import (
	"context"
	"fmt"
	"strconv"
)

// resolve repairs, once the whole file is staged, what only the whole
// file shows, in SQL over the staging file so that no step holds a story
// in memory: replies to dropped duplicates go to the copy kept, posts of
// unknown threads and empty ones are skipped, deleted posts without
// replies too, parents not in the file (or in another thread) make their
// replies top-level, and the threads become trees with each post's
// depth, root and repaired time, parents before replies.
func (s *staging) resolve(ctx context.Context, sum *Summary) error {
	steps := []struct {
		sql    string
		skip   string // the Skipped reason the rows affected count under
		repair string // or the Repair kind
		repeat bool   // run again until it affects nothing
	}{
		{sql: `UPDATE posts SET parent = (SELECT target FROM aliases WHERE key = posts.parent)
			WHERE parent IN (SELECT key FROM aliases)`},
		{sql: `DELETE FROM posts WHERE thread NOT IN (SELECT key FROM threads)`, skip: "post of an unknown thread"},
		{sql: `DELETE FROM posts WHERE body = '' AND status <> 4`, skip: "empty body"},
		{sql: `DELETE FROM posts WHERE status = 4 AND NOT EXISTS
			(SELECT 1 FROM posts r WHERE r.thread = posts.thread AND r.parent = posts.key)`,
			skip: "deleted without replies", repeat: true},
		{sql: `UPDATE posts SET parent = '' WHERE parent <> '' AND NOT EXISTS
			(SELECT 1 FROM posts p WHERE p.key = posts.parent AND p.thread = posts.thread)`, repair: RepairOrphan},
		{sql: `UPDATE threads SET fallback = CASE WHEN created_at <> 0 THEN created_at
			ELSE coalesce((SELECT min(created_at) FROM posts WHERE thread = threads.key AND created_at <> 0), 0) END`},
	}
	for _, st := range steps {
		for {
			res, err := s.conn.ExecContext(ctx, st.sql)
			if err != nil {
				return fmt.Errorf("importer: resolve: %w", err)
			}
			n, _ := res.RowsAffected()
			if st.skip != "" && n > 0 {
				sum.Skipped[st.skip] += int(n)
			}
			if st.repair != "" && n > 0 {
				sum.Repaired[st.repair] += int(n)
			}
			if !st.repeat || n == 0 {
				break
			}
		}
	}
	if err := s.grow(ctx, sum); err != nil {
		return err
	}
	return s.count(ctx, sum)
}

// maxDepth is the deepest reply of Parley's threads, as the service
// lets readers reply (internal/service maxReplyDepth): a deeper reply in
// an export becomes a sibling of its parent, so that threads stay as
// deep as a page shows and the recount of a story costs its depth times.
const maxDepth = 64

// growTree adds to the tree every post reachable from a top-level post
// not yet in it: depth, root and the time repaired on the way down (a
// reply older than its parent, or without a time, goes to just after it;
// a top-level post without a time gets its thread's; a reply below
// maxDepth goes beside its parent).
var growTree = `INSERT INTO tree (seq, story, depth, parent_seq, root_seq, at)
WITH RECURSIVE t(seq, key, thread, depth, parent_seq, root_seq, at) AS (
	SELECT p.seq, p.key, p.thread, 0, 0, p.seq,
		CASE WHEN p.created_at <> 0 THEN p.created_at ELSE (SELECT fallback FROM threads WHERE key = p.thread) END
	FROM posts p WHERE p.parent = '' AND p.seq NOT IN (SELECT seq FROM tree)
	UNION ALL
	SELECT c.seq, c.key, c.thread, min(t.depth + 1, ` + strconv.Itoa(maxDepth) + `),
		CASE WHEN t.depth < ` + strconv.Itoa(maxDepth) + ` THEN t.seq ELSE t.parent_seq END, t.root_seq,
		CASE WHEN c.created_at = 0 OR c.created_at < t.at THEN t.at + 1 ELSE c.created_at END
	FROM posts c JOIN t ON c.thread = t.thread AND c.parent = t.key
)
SELECT seq, (SELECT story FROM threads WHERE key = t.thread), depth, parent_seq, root_seq, at FROM t`

// breakLoops makes top-level the posts, left out of the tree, whose
// parent comes later in the file (or is the post itself): in a loop of
// replies at least one post has such a parent, so this opens every loop.
const breakLoops = `UPDATE posts SET parent = '' WHERE seq NOT IN (SELECT seq FROM tree)
	AND (SELECT p.seq FROM posts p WHERE p.thread = posts.thread AND p.key = posts.parent) >= seq`

// grow builds the tree, opening loops of replies that a hostile or broken
// file may have (each opened post counts as an orphan).
func (s *staging) grow(ctx context.Context, sum *Summary) error {
	for range 3 {
		if _, err := s.conn.ExecContext(ctx, growTree); err != nil {
			return fmt.Errorf("importer: resolve threads: %w", err)
		}
		res, err := s.conn.ExecContext(ctx, breakLoops)
		if err != nil {
			return fmt.Errorf("importer: resolve loops: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			break
		} else {
			sum.Repaired[RepairOrphan] += int(n)
		}
	}
	_, err := s.conn.ExecContext(ctx, `CREATE INDEX tree_story ON tree (story, depth, seq)`)
	return err
}

// count adds the repairs that the tree and the authors show: times moved
// or given, and authors without an address (each author once, as the
// importer keys them: by source key, else by name).
func (s *staging) count(ctx context.Context, sum *Summary) error {
	counts := []struct {
		kind, sql string
	}{
		{RepairDepth, `SELECT count(*) FROM tree t JOIN posts p ON p.seq = t.seq
			JOIN posts pp ON pp.thread = p.thread AND pp.key = p.parent JOIN tree pt ON pt.seq = pp.seq
			WHERE pt.depth = ` + strconv.Itoa(maxDepth)},
		{RepairMissingTime, `SELECT count(*) FROM tree JOIN posts USING (seq) WHERE posts.created_at = 0`},
		{RepairTimeOrder, `SELECT count(*) FROM tree JOIN posts USING (seq) WHERE posts.created_at <> 0 AND tree.at <> posts.created_at`},
		{RepairMissingEmail, `SELECT count(DISTINCT CASE WHEN p.author_key <> '' THEN 'k:' || p.author_key ELSE 'n:' || p.author_name END)
			FROM posts p LEFT JOIN authors a ON a.key = p.author_key AND p.author_key <> ''
			WHERE p.author_email = '' AND coalesce(a.email, '') = '' AND p.author_sso = '' AND coalesce(a.sso, '') = ''`},
	}
	for _, c := range counts {
		var n int
		if err := s.conn.QueryRowContext(ctx, c.sql).Scan(&n); err != nil {
			return fmt.Errorf("importer: count repairs: %w", err)
		}
		if n > 0 {
			sum.Repaired[c.kind] += n
		}
	}
	var empty int
	err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM threads th WHERE NOT EXISTS
		(SELECT 1 FROM posts p WHERE p.thread = th.key)`).Scan(&empty)
	if err != nil {
		return fmt.Errorf("importer: count threads: %w", err)
	}
	if empty > 0 {
		sum.Skipped["thread without comments"] += empty
	}
	var lost int
	err = s.conn.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE seq NOT IN (SELECT seq FROM tree)`).Scan(&lost)
	if err != nil {
		return fmt.Errorf("importer: count posts: %w", err)
	}
	if lost > 0 {
		sum.Skipped["reply in a loop of replies"] += lost
	}
	return nil
}
