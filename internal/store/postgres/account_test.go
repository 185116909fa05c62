package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"parley"
)

// TestAuthorCommentsPlan checks that a reader's comments are paged on
// comments_author_time in order, never sorted: the cost of a page must not
// grow with how much they wrote.
func TestAuthorCommentsPlan(t *testing.T) {
	s := mustOpen(t)
	for i := range 4 {
		seedStory(t, s, fmt.Sprintf("story-%d", i), 2000)
	}
	// The seed is by one author; give most comments to others, as on a
	// real site, so that the author's index is the plain choice and the
	// planner does not weigh it against the primary key by a coin toss
	// (which it did once the queue indexes came).
	if _, err := s.pool.Exec(t.Context(), `UPDATE comments SET author_id = 'reader-' || (abs(hashtext(id)) % 200) WHERE abs(hashtext(id)) % 4 <> 0`); err != nil {
		t.Fatal(err)
	}
	analyze(t, s)
	for _, q := range []parley.AuthorQuery{
		{UserID: "seed-user", Limit: 20},
		{UserID: "seed-user", Limit: 20, Before: parley.NewID(parley.Now().Add(-time.Second))},
		{UserID: "seed-user", Limit: 500, Deleted: true},
	} {
		plan := explain(t, s, authorCommentsSQL(q), q.UserID, q.Before, q.Limit)
		if strings.Contains(plan, "Sort") || !strings.Contains(plan, "comments_author_time") {
			t.Errorf("%+v: plan sorts or misses comments_author_time:\n%s", q, plan)
		}
	}
}
