package postgres

import (
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/store/postgres/pgtest"
)

// TestNoticePlans: with 20,000 notices on one site, a page of the notice
// queue, of one status or of all, first or after a cursor, reads its index
// in order and never sorts.
func TestNoticePlans(t *testing.T) {
	s := mustOpenURL(t, pgtest.SchemaURL(t, pgtest.URL(t)))
	st := seedStory(t, s, "noticed", 10)
	_, err := s.pool.Exec(t.Context(), `INSERT INTO notices (reference, site_id, comment_id, story_id, kind, explanation, status, created_at)
		SELECT 'N-2026-' || lpad(i::text, 10, '0'), $1, (SELECT id FROM comments WHERE story_id = $2 LIMIT 1), $2, 'fraud', 'x',
			(ARRAY['received', 'in_review', 'decided'])[1 + i % 3], now() - i * interval '1 minute'
		FROM generate_series(1, 20000) AS i`, st.SiteID, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	analyze(t, s)
	cursor := time.Now().Add(-24 * time.Hour)
	for name, q := range map[string]parley.NoticeQuery{
		"received":         {SiteID: st.SiteID, Status: parley.NoticeReceived, Limit: 51},
		"received, page n": {SiteID: st.SiteID, Status: parley.NoticeReceived, AfterTime: cursor, AfterRef: "N-2026-X", Limit: 51},
		"all":              {SiteID: st.SiteID, Limit: 51},
		"all, page n":      {SiteID: st.SiteID, AfterTime: cursor, AfterRef: "N-2026-X", Limit: 51},
	} {
		query, args := noticePage(`SELECT `+noticeColumns+` FROM notices`, q)
		plan := explain(t, s, query, args...)
		if strings.Contains(plan, "Sort") || strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "notices_") {
			t.Errorf("%s: plan sorts, scans or misses the notice indexes:\n%s", name, plan)
		}
	}
}
