package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"parley"
)

// TestQueuePlans checks that every queue, of a site and of one story, is
// read from an index of its own in order: no scan of the table, no sort in
// a temporary b-tree, so that the first page of a story with 100,000
// comments costs what a small story's does.
func TestQueuePlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	want := map[string]string{
		parley.QueuePending: "comments_queue", parley.QueueApproved: "comments_queue", parley.QueueRejected: "comments_queue",
		parley.QueueReported: "comments_reported", parley.QueueNew: "comments_new", parley.QueueFeatured: "comments_featured",
	}
	for _, queue := range parley.Queues() {
		for _, story := range []string{"", "story"} {
			for _, before := range []string{"", "cursor"} {
				q := parley.QueueQuery{SiteID: "site", Queue: queue, StoryID: story, BeforeID: before, Limit: 20}
				index := want[queue]
				if story != "" {
					index += "_story"
				}
				checkPlan(t, s, fmt.Sprintf("%s story=%q cursor=%q", queue, story, before), q, index)
			}
		}
	}
	// Counting a queue reads its index, as far as the count goes.
	for _, queue := range parley.Queues() {
		for _, story := range []bool{false, true} {
			index := want[queue]
			if story {
				index += "_story"
			}
			plan := explain(t, s.read, queueCountQuery(queue, story), "site", "story", 1000)
			if !strings.Contains(plan, "USING INDEX "+index+" (") && !strings.Contains(plan, "USING COVERING INDEX "+index+" (") {
				t.Errorf("count of %s (story %v) does not read %s:\n%s", queue, story, index, plan)
			}
		}
	}
	// The searches start from the author's or the address's index.
	checkPlan(t, s, "history", parley.QueueQuery{SiteID: "site", AuthorID: "u", Limit: 20}, "comments_author_time")
	checkPlan(t, s, "author", parley.QueueQuery{SiteID: "site", Queue: parley.QueuePending, AuthorID: "u", Limit: 20}, "comments_author_time")
	checkPlan(t, s, "address", parley.QueueQuery{SiteID: "site", Queue: parley.QueuePending, IPHash: "h", Limit: 20}, "comments_ip_hash")
	checkPlan(t, s, "text", parley.QueueQuery{SiteID: "site", Queue: parley.QueuePending, StoryID: "story", Text: "x", Limit: 20}, "comments_queue_story")
}

func checkPlan(t *testing.T, s *Store, name string, q parley.QueueQuery, index string) {
	t.Helper()
	query, args := queueQuery(q)
	plan := explain(t, s.read, query, args...)
	if !strings.Contains(plan, "USING INDEX "+index+" (") && !strings.Contains(plan, "USING INDEX "+index+"\n") &&
		!strings.HasSuffix(plan, "USING INDEX "+index) || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("%s: plan does not read %s in order:\n%s", name, index, plan)
	}
}

// BenchmarkPendingQueue reads the first page of the pending queue of a
// story with 100,000 comments (10,000 of them pending) and of one with 100
// (10 pending), on the same site: the two must cost about the same.
func BenchmarkPendingQueue(b *testing.B) {
	s := benchStore(b)
	for _, n := range []int{100, 100000} {
		seedQueue(b, s, fmt.Sprintf("story-%d", n), n)
	}
	for _, n := range []int{100, 100000} {
		for _, limit := range []int{10, 20} {
			benchPending(b, s, "news", fmt.Sprintf("story-%d", n), n, limit)
		}
	}
}

// benchPending reads the first page of the pending queue of story, which
// has n comments (a tenth pending), limit at a time. A story of 100 has 10
// pending: at limit 10 both stories return a full page, at 20 (the UI's
// page) the small one returns half of one.
func benchPending(b *testing.B, s *Store, site, story string, n, limit int) {
	b.Run(fmt.Sprintf("comments=%d/limit=%d", n, limit), func(b *testing.B) {
		q := parley.QueueQuery{SiteID: site, Queue: parley.QueuePending, StoryID: story, Limit: limit}
		want := min(limit, n/10)
		for b.Loop() {
			page, err := s.QueueComments(context.Background(), q)
			if err != nil || len(page) != want {
				b.Fatalf("QueueComments = %d comments, %v; want %d", len(page), err, want)
			}
		}
	})
}

// seedQueue stores n comments on a new story of site "news" in one
// statement, every tenth pending and the others approved.
func seedQueue(b *testing.B, s *Store, story string, n int) {
	b.Helper()
	ctx := context.Background()
	_, err := s.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: story, Status: parley.StoryOpen, CreatedAt: parley.Now()})
	mustDo(b, err)
	err = s.Update(ctx, func(tx parley.Tx) error {
		w, ok := tx.(*unit)
		if !ok {
			return errors.New("not a unit")
		}
		_, err := w.tx.ExecContext(w.ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2)
			INSERT INTO comments (id, site_id, story_id, parent_id, root_id, depth, author_id, author_name, body, html,
				status, created_at, ip_hash)
			SELECT printf('%s-%010d', ?1, i), 'news', ?1, '', printf('%s-%010d', ?1, i), 0, 'author', 'Reader', ?3, ?3,
				CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'approved' END, 1700000000000 + i, 'hash'
			FROM n`, story, n, benchBody)
		return err
	})
	mustDo(b, err)
}
