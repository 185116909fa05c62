package admin

import (
	"context"
	"net/http"
	"testing"

	"parley/internal/service"
)

// pageService answers a queue page of 20 held comments, for the benchmark.
type pageService struct{ *fakeService }

func (p pageService) Queue(ctx context.Context, q service.QueueQuery) (*service.QueuePage, error) {
	page, err := p.fakeService.Queue(ctx, q)
	if err != nil {
		return nil, err
	}
	for len(page.Items) < 20 {
		page.Items = append(page.Items, testItem(q.SiteID))
	}
	return page, nil
}

// BenchmarkQueuePage measures what the desk adds to the service's work
// for a queue page of 20 items (with reasons, reports and a diff each):
// resolving the session, rendering and writing the page.
//
//	go test ./internal/admin -run ^$ -bench QueuePage -benchmem
func BenchmarkQueuePage(b *testing.B) {
	u := newTestUI(b)
	u.ui.svc = pageService{u.svc}
	u.signIn("news", tokModerator)
	u.get("/admin/sites/news")
	b.ReportAllocs()
	for b.Loop() {
		if res := u.get("/admin/sites/news"); res.Code != http.StatusOK {
			b.Fatal(res.Code)
		}
	}
}
