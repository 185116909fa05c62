package postgres

import (
	"strings"
	"testing"

	"parley"
)

// TestAuditPlans checks, on a long log, that a page of each audit filter
// reads that filter's index backwards and never sorts: a moderator's page of one user costs the same however long
// the log.
func TestAuditPlans(t *testing.T) {
	s := mustOpen(t)
	// A log of 100,000 entries, a tenth of them on the site asked for, each
	// filter value with hundreds of entries on it: enough that reading
	// anything but the filter's index in order would cost far more.
	_, err := s.pool.Exec(t.Context(), `INSERT INTO audit_log (site_id, action, story_id, comment_id, user_id, actor_id, note, created_at)
		SELECT CASE WHEN i % 10 = 0 THEN 'small' ELSE 'big' END,
			(ARRAY['comment.approved', 'comment.rejected', 'comment.held', 'user.warned'])[1 + i % 4],
			'story-' || (i % 13), 'comment-' || (i % 17), 'user-' || (i % 7), 'mod-' || (i % 11), 'note ' || i,
			now() - (100000 - i) * interval '1 second'
		FROM generate_series(1, 100000) AS i`)
	if err != nil {
		t.Fatal(err)
	}
	analyze(t, s)
	tests := []struct {
		q     parley.AuditQuery
		index string
	}{
		{parley.AuditQuery{UserID: "user-3"}, "audit_user"},
		{parley.AuditQuery{UserID: "user-3", BeforeID: 90000}, "audit_user"},
		{parley.AuditQuery{CommentID: "comment-3", BeforeID: 90000}, "audit_comment"},
		{parley.AuditQuery{StoryID: "story-3", BeforeID: 90000}, "audit_story"},
		{parley.AuditQuery{ActorID: "mod-3", BeforeID: 90000}, "audit_actor"},
		{parley.AuditQuery{Action: parley.AuditHeld, BeforeID: 90000}, "audit_action"},
		{parley.AuditQuery{BeforeID: 90000}, "audit_site"},
	}
	for _, tt := range tests {
		tt.q.SiteID, tt.q.Limit = "small", 50
		query, args := auditSQL(tt.q)
		plan := explain(t, s, query, args...)
		if strings.Contains(plan, "Sort") || !strings.Contains(plan, "Index Scan Backward using "+tt.index+" ") {
			t.Errorf("plan does not read %s backwards:\n%s", tt.index, plan)
		}
	}
	plan := explain(t, s, auditAfterSQL, int64(99000), []int64{500, 98000}, 500)
	if strings.Count(plan, "Index Scan using audit_log_pkey") != 2 || strings.Contains(plan, "Seq Scan") {
		t.Errorf("AuditAfter plan does not seek audit_log_pkey twice:\n%s", plan)
	}
}
