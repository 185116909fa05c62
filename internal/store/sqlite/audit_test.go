package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"parley"
)

// TestAuditPlans checks that a page of every audit filter seeks the index
// of that filter and reads it in order, with no full scan and no sorting:
// a moderator's page of one user costs the same however long the log.
func TestAuditPlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	tests := []struct {
		q    parley.AuditQuery
		want string
	}{
		{parley.AuditQuery{}, "audit_site (site_id=?)"},
		{parley.AuditQuery{BeforeID: 5}, "audit_site (site_id=? AND id<?)"},
		{parley.AuditQuery{UserID: "u"}, "audit_user (site_id=? AND user_id=?)"},
		{parley.AuditQuery{UserID: "u", BeforeID: 5}, "audit_user (site_id=? AND user_id=? AND id<?)"},
		{parley.AuditQuery{CommentID: "c", BeforeID: 5}, "audit_comment (site_id=? AND comment_id=? AND id<?)"},
		{parley.AuditQuery{ActorID: "m", BeforeID: 5}, "audit_actor (site_id=? AND actor_id=? AND id<?)"},
		{parley.AuditQuery{StoryID: "s", BeforeID: 5}, "audit_story (site_id=? AND story_id=? AND id<?)"},
		{parley.AuditQuery{Action: parley.AuditBanned, BeforeID: 5}, "audit_action (site_id=? AND action=? AND id<?)"},
	}
	for _, tt := range tests {
		tt.q.SiteID, tt.q.Limit = "news", 50
		query, args := auditQuery(tt.q)
		plan := explain(t, s.read, query, args...)
		if !strings.Contains(plan, "SEARCH audit_log USING INDEX "+tt.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan does not seek %s in order:\n%s", tt.want, plan)
		}
	}
	// The followers' read seeks the primary key for both branches.
	plan := explain(t, s.read, auditAfterQuery, 1, "[2, 3]", 10)
	if strings.Count(plan, "SEARCH audit_log USING INTEGER PRIMARY KEY") != 2 || strings.Contains(plan, "SCAN audit_log") {
		t.Errorf("AuditAfter plan does not seek the primary key twice:\n%s", plan)
	}
	plan = explain(t, s.read, latestRevisionsQuery, `["a", "b"]`)
	if strings.Count(plan, "USING PRIMARY KEY (comment_id=?)") != 2 || strings.Contains(plan, "SCAN comment_revisions") {
		t.Errorf("LatestRevisions plan does not seek the primary key:\n%s", plan)
	}
}
