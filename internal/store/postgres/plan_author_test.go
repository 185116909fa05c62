package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// TestAuthorPlans checks that a commenter's own comments are read from an
// author index whatever the planner's statistics say: on a story of 10,000
// comments by one author, a newcomer's count of approved comments (the
// rule for new commenters, on every post), their latest comments (the
// duplicate check, on every post) and their own comments on the story (on
// every page view by a signed-in reader) must not scan the
// site's or the story's comments for theirs, neither in a plan made for
// the values nor in the generic plan a prepared statement settles on.
func TestAuthorPlans(t *testing.T) {
	s := mustOpen(t)
	st := seedStory(t, s, "long", 10000)
	t.Run("without statistics", func(t *testing.T) { testAuthorPlans(t, s, st) })
	analyze(t, s)
	t.Run("with statistics", func(t *testing.T) { testAuthorPlans(t, s, st) })
}

func testAuthorPlans(t *testing.T, s *Store, st *parley.Story) {
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"ApprovedComments": {approvedCommentsSQL, []any{"newcomer", st.SiteID, 3}},
		"UserComments":     {userCommentsSQL, []any{st.SiteID, st.ID, "newcomer", 100}},
		"RecentBodies":     {recentBodiesSQL, []any{"newcomer", parley.IDFloor(time.Now().Add(-24 * time.Hour)), 10}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, generic := range []bool{false, true} {
				plan := explainPlan(t, s, generic, q.sql, q.args...)
				if !strings.Contains(plan, "comments_author") || strings.Contains(plan, "Seq Scan") {
					t.Errorf("generic=%v: plan reads no author index, or scans the table:\n%s", generic, plan)
				}
			}
		})
	}
}

// explainPlan is explain with the generic plan forced or not, on a
// connection of its own.
func explainPlan(t *testing.T, s *Store, generic bool, query string, args ...any) string {
	t.Helper()
	conn, err := s.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	mode := "force_custom_plan"
	if generic {
		mode = "force_generic_plan"
	}
	if _, err := conn.Exec(t.Context(), "SET plan_cache_mode = "+mode); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(t.Context(), "RESET plan_cache_mode")
	rows, _ := conn.Query(t.Context(), "EXPLAIN "+query, args...)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("EXPLAIN: %v", err)
	}
	return strings.Join(lines, "\n")
}
