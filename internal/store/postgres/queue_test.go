package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"parley"
)

// seedQueue stores a site "seed" (if need be), a story and n comments on it
// in one statement: every tenth pending, one in a hundred reported, one in
// fifty by a newcomer, one in a thousand featured, the others approved.
func seedQueue(tb testing.TB, s *Store, story string, n int) {
	tb.Helper()
	ctx := context.Background()
	at := parley.Now()
	err := s.CreateSite(ctx, &parley.Site{ID: "seed", Name: "Seed", EditWindow: time.Minute, MaxBodyLength: 1000, CreatedAt: at})
	if err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		tb.Fatalf("CreateSite: %v", err)
	}
	if _, err := s.EnsureStory(ctx, &parley.Story{SiteID: "seed", ID: story, Status: parley.StoryOpen, CreatedAt: at}); err != nil {
		tb.Fatalf("EnsureStory: %v", err)
	}
	body := strings.Repeat("Ein Kommentar zur Sache, ", 12)
	_, err = s.pool.Exec(ctx, `INSERT INTO comments (id, site_id, story_id, parent_id, root_id, depth, author_id, author_name,
			body, html, status, report_count, newcomer, featured, created_at, ip_hash)
		SELECT $1 || lpad(i::text, 10, '0'), 'seed', $1, '', $1 || lpad(i::text, 10, '0'), 0, 'author-' || (i % 500), 'Seed',
			$3, '<p>' || $3 || '</p>', CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'approved' END,
			CASE WHEN i % 100 = 1 THEN 2 ELSE 0 END, i % 50 = 3, i % 1000 = 7, $4::timestamptz + i * interval '1 millisecond', 'hash'
		FROM generate_series(0, $2 - 1) AS i`, story, n, body, at)
	if err != nil {
		tb.Fatalf("seed %d comments: %v", n, err)
	}
}

// TestQueuePlans checks that every queue of a long story, and of its site,
// is read from an index in order, never sorted: the first page of a queue
// must not cost more as the story grows.
func TestQueuePlans(t *testing.T) {
	s := mustOpen(t)
	for i := range 5 {
		seedQueue(t, s, fmt.Sprintf("short-%d", i), 1000)
	}
	seedQueue(t, s, "long", 20000)
	analyze(t, s)
	for _, queue := range parley.Queues() {
		for _, story := range []string{"", "long"} {
			q := parley.QueueQuery{SiteID: "seed", Queue: queue, StoryID: story, Limit: 20}
			query, args := queueQuery(q)
			plan := explain(t, s, query, args...)
			if strings.Contains(plan, "Sort") || strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "Index") {
				t.Errorf("%s story=%q: plan sorts or scans the table:\n%s", queue, story, plan)
			}
		}
	}
	for _, story := range []bool{false, true} {
		args := []any{"seed", 1000}
		if story {
			args = append(args, "long")
		}
		// The small queues are counted on their partial indexes. The
		// approved one may be read from the table: nine comments in ten
		// are approved, so its LIMIT stops a scan after about 1,100 rows.
		plan := explain(t, s, queueCountsSQL(story), args...)
		for _, index := range []string{"comments_reported", "comments_new", "comments_featured", "comments_queue"} {
			if !strings.Contains(plan, index) {
				t.Errorf("the counts (story %v) do not read %s:\n%s", story, index, plan)
			}
		}
	}
	query, args := queueQuery(parley.QueueQuery{SiteID: "seed", Queue: parley.QueuePending, StoryID: "long", Limit: 20})
	if plan := explain(t, s, query, args...); !strings.Contains(plan, "comments_queue_story") {
		t.Errorf("the pending queue of one story does not read comments_queue_story:\n%s", plan)
	}
}

// BenchmarkPendingQueue reads the first page of the pending queue of a
// story with 100,000 comments (10,000 of them pending) and of one with 100
// (10 pending), on the same site: the two must cost about the same.
func BenchmarkPendingQueue(b *testing.B) {
	s := mustOpen(b)
	for _, n := range []int{100, 100000} {
		seedQueue(b, s, fmt.Sprintf("story-%d", n), n)
	}
	analyze(b, s)
	for _, n := range []int{100, 100000} {
		for _, limit := range []int{10, 20} {
			benchPending(b, s, "seed", fmt.Sprintf("story-%d", n), n, limit)
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
		b.ReportMetric(float64(buffers(b, s, q)), "buffers/op") // after the loop, which resets metrics
	})
}

// buffers is the number of shared buffers a page of q touches, from
// EXPLAIN (ANALYZE, BUFFERS): what the page costs the database, whatever
// else the machine is doing.
func buffers(b *testing.B, s *Store, q parley.QueueQuery) int {
	b.Helper()
	query, args := queueQuery(q)
	var plan []struct {
		Plan struct {
			Hit  int `json:"Shared Hit Blocks"`
			Read int `json:"Shared Read Blocks"`
		}
	}
	var raw []byte
	if err := s.pool.QueryRow(context.Background(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+query, args...).Scan(&raw); err != nil {
		b.Fatalf("EXPLAIN: %v", err)
	}
	if err := json.Unmarshal(raw, &plan); err != nil || len(plan) != 1 {
		b.Fatalf("EXPLAIN: %v %s", err, raw)
	}
	return plan[0].Plan.Hit + plan[0].Plan.Read
}
