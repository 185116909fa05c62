package service_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
)

// BenchmarkTransparency counts a half year's figures from an audit log
// of 20,000 entries (decisions of the pipeline and of moderators, on the
// terms), the work of one `parley transparency`: it reads the log in
// pages of parley.MaxAuditPage. Measured 296 ms on SQLite (2 cores, load
// average 20 from other work): a year of a busy site is seconds.
func BenchmarkTransparency(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s"}); err != nil {
		b.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = store.Update(ctx, func(tx parley.Tx) error {
		for i := range 20000 {
			e := &parley.AuditEntry{SiteID: "s", Action: parley.AuditRejected, CommentID: "c", UserID: "u", Automated: i%3 == 0,
				Reason: parley.RejectReasons()[i%8], CreatedAt: from.Add(time.Duration(i) * 10 * time.Minute)}
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		t, err := svc.Transparency(ctx, "s", from, from.AddDate(0, 6, 0))
		if err != nil || t.Automated+t.Human != 20000 {
			b.Fatalf("Transparency = %+v, %v", t, err)
		}
	}
}
