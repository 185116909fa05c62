package postgres

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// seedStory stores a site, a story and n comments on it with one COPY, so
// that 100,000 take seconds. Every third comment replies to an earlier
// top-level one. Most are approved; the others are pending, rejected or
// hidden deleted, as on a moderated site. Counts are random: the rows exist
// to be paged through, not to be consistent.
func seedStory(tb testing.TB, s *Store, storyID string, n int) *parley.Story {
	tb.Helper()
	ctx := context.Background()
	at := parley.Now().Add(-time.Duration(n) * time.Millisecond)
	site := &parley.Site{ID: "seed", Name: "Seed", EditWindow: time.Minute, MaxBodyLength: 1000, CreatedAt: at}
	if err := s.CreateSite(ctx, site); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		tb.Fatalf("CreateSite: %v", err)
	}
	st, err := s.EnsureStory(ctx, &parley.Story{SiteID: site.ID, ID: storyID, Status: parley.StoryOpen, CreatedAt: at})
	if err != nil {
		tb.Fatalf("EnsureStory: %v", err)
	}
	statuses := []string{parley.StatusApproved, parley.StatusApproved, parley.StatusApproved,
		parley.StatusPending, parley.StatusRejected, parley.StatusDeleted}
	body := strings.Repeat("Ein Kommentar zur Sache, ", 12)
	rows := make([][]any, n)
	for i := range rows {
		at = at.Add(time.Millisecond)
		id, parent, depth := parley.NewID(at), "", 0
		if i%3 == 2 {
			parent, depth = rows[rand.IntN(i/3+1)*3][0].(string), 1
		}
		rows[i] = []any{id, st.SiteID, st.ID, parent, cmp.Or(parent, id), depth, "seed-user", "Seed", body,
			"<p>" + body + "</p>", statuses[i%len(statuses)], rand.IntN(20), rand.IntN(50), 0, at}
	}
	cols := []string{"id", "site_id", "story_id", "parent_id", "root_id", "depth", "author_id", "author_name",
		"body", "html", "status", "reply_count", "reaction_count", "report_count", "created_at"}
	// Replica mode skips the per-row foreign key triggers, which would
	// otherwise take most of the time; the seed's keys are right by design.
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"comments"}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		tb.Fatalf("seed %d comments: %v", n, err)
	}
	return st
}

// analyze refreshes the planner's statistics after seeding.
func analyze(tb testing.TB, s *Store) {
	tb.Helper()
	if _, err := s.pool.Exec(context.Background(), `ANALYZE`); err != nil {
		tb.Fatalf("analyze: %v", err)
	}
}

// TestPagePlans checks that every page query of a long story reads one of
// the page indexes in order and never sorts: the cost of a page must not
// grow with the story.
func TestPagePlans(t *testing.T) {
	s := mustOpen(t)
	for i := range 10 {
		seedStory(t, s, fmt.Sprintf("short-%d", i), 1000)
	}
	st := seedStory(t, s, "long", 10000)
	analyze(t, s)
	for _, sort := range []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies} {
		for _, after := range []*parley.Cursor{nil, {Key: 10, ID: parley.NewID(parley.Now().Add(-time.Second))}} {
			t.Run(fmt.Sprintf("%s/cursor=%v", sort, after != nil), func(t *testing.T) {
				q := parley.CommentQuery{SiteID: st.SiteID, StoryID: st.ID, Sort: sort, After: after, Limit: 20}
				query, args, err := pageSQL(q)
				if err != nil {
					t.Fatal(err)
				}
				plan := explain(t, s, query, args...)
				if strings.Contains(plan, "Sort") || !strings.Contains(plan, "comments_page_") {
					t.Errorf("plan sorts or misses the page indexes:\n%s", plan)
				}
			})
		}
	}
	t.Run("Replies", func(t *testing.T) {
		plan := explain(t, s, repliesSQL, []string{"a", "b"}, 3)
		if !strings.Contains(plan, "comments_replies") {
			t.Errorf("replies plan misses comments_replies:\n%s", plan)
		}
	})
}

// TestLogPlan checks that the reader of the whole log seeks the primary key
// for the IDs after its last and for the holes it asks for again: with a
// long log, a read must cost what it returns.
func TestLogPlan(t *testing.T) {
	s := mustOpen(t)
	_, err := s.pool.Exec(t.Context(), `INSERT INTO events (site_id, story_id, type)
		SELECT 's', 'story-' || (i % 2000), 'comment.created' FROM generate_series(1, 100000) AS i`)
	if err != nil {
		t.Fatal(err)
	}
	analyze(t, s)
	plan := explain(t, s, logEventsSQL, int64(99000), []int64{500, 98000}, 500)
	if strings.Count(plan, "Index Scan using events_pkey") != 2 || strings.Contains(plan, "Seq Scan") {
		t.Errorf("LogEvents plan does not seek events_pkey twice:\n%s", plan)
	}
}

func explain(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, _ := s.pool.Query(t.Context(), "EXPLAIN "+query, args...)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("EXPLAIN: %v", err)
	}
	return strings.Join(lines, "\n")
}
