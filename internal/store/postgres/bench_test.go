package postgres

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"parley"
)

// BenchmarkCreateComment has 16 posters write approved top-level comments
// to one story at once: every write raises the same story's count.
func BenchmarkCreateComment(b *testing.B) {
	s := mustOpen(b)
	ctx := context.Background()
	st := seedStory(b, s, "hot", 0)
	body := strings.Repeat("Ein Kommentar zur Sache, ", 12)
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // 16 posters
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			at := parley.Now()
			c := &parley.Comment{ID: parley.NewID(at), SiteID: st.SiteID, StoryID: st.ID,
				AuthorID: "bench", AuthorName: "Bench", Body: body, HTML: "<p>" + body + "</p>",
				Status: parley.StatusApproved, CreatedAt: at}
			c.RootID = c.ID
			if err := s.CreateComment(ctx, c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
	got, err := s.Story(ctx, st.SiteID, st.ID)
	if err != nil || got.CommentCount != b.N {
		b.Errorf("CommentCount = %v (%v), want %d", got, err, b.N)
	}
}

// BenchmarkFirstPage reads page 1 of each order from a story of 1,000 and
// one of 100,000 comments: the two must cost about the same.
func BenchmarkFirstPage(b *testing.B) {
	s := mustOpen(b)
	stories := map[int]*parley.Story{}
	for _, n := range []int{1000, 100000} {
		stories[n] = seedStory(b, s, fmt.Sprintf("story-%d", n), n)
	}
	analyze(b, s)
	for _, n := range []int{1000, 100000} {
		for _, sort := range []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies} {
			b.Run(fmt.Sprintf("%d/%s", n, sort), func(b *testing.B) {
				q := parley.CommentQuery{SiteID: stories[n].SiteID, StoryID: stories[n].ID, Sort: sort, Limit: 20}
				for b.Loop() {
					if page, err := s.Comments(context.Background(), q); err != nil || len(page) != 20 {
						b.Fatalf("Comments = %d comments, %v", len(page), err)
					}
				}
			})
		}
	}
}
