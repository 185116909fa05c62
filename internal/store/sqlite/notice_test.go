package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
)

// TestNoticePlans: a page of the notice queue, of one status or of all,
// first or after a cursor, seeks its index in order and never sorts, so
// that a site with many notices opens its queue as fast as one with few.
func TestNoticePlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	cursor := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]parley.NoticeQuery{
		"received":         {SiteID: "s", Status: parley.NoticeReceived, Limit: 51},
		"received, page n": {SiteID: "s", Status: parley.NoticeReceived, AfterTime: cursor, AfterRef: "N-2026-X", Limit: 51},
		"all":              {SiteID: "s", Limit: 51},
		"all, in a period": {SiteID: "s", From: cursor, To: cursor.Add(time.Hour), Limit: 51},
	} {
		want := "notices_queue"
		if q.Status == "" {
			want = "notices_time"
		}
		for table, sel := range map[string]string{"notices": `SELECT ` + noticeColumns + ` FROM notices`, "complaints": `SELECT ` + complaintColumns + ` FROM complaints`} {
			query, args := noticePage(sel, q)
			plan := explain(t, s.read, query, args...)
			index := strings.Replace(want, "notices", table, 1)
			if !strings.Contains(plan, "USING INDEX "+index) || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%s %s: plan misses %s or sorts:\n%s", table, name, index, plan)
			}
		}
	}
}
