package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley"
)

// benchStore opens a store with one site and story "s" in it.
func benchStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"))
	mustDo(b, s.CreateSite(ctx, &parley.Site{ID: "news", MaxBodyLength: 10000, CreatedAt: parley.Now()}))
	_, err := s.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: "s", Status: parley.StoryOpen, CreatedAt: parley.Now()})
	mustDo(b, err)
	return s
}

// benchComment returns an approved comment of realistic size on story "s".
func benchComment(at time.Time, parent *parley.Comment) *parley.Comment {
	c := &parley.Comment{
		ID: parley.NewID(at), SiteID: "news", StoryID: "s", AuthorID: "author", AuthorName: "Reader",
		Body: benchBody, HTML: "<p>" + benchBody + "</p>", Status: parley.StatusApproved, CreatedAt: at,
	}
	c.RootID = c.ID
	if parent != nil {
		c.ParentID, c.RootID, c.Depth = parent.ID, parent.RootID, parent.Depth+1
	}
	return c
}

const benchBody = "Ein Kommentar von ungefähr dreihundert Zeichen, wie ihn Leser unter Artikel schreiben: " +
	"eine Meinung, ein Einwand, eine Frage an die Redaktion und ein Hinweis auf einen Fehler im dritten Absatz. " +
	"Dazu ein Satz mehr, damit die Zeile so lang wird wie ein echter Beitrag in einer lebhaften Diskussion."

// BenchmarkCreateComment measures acknowledged (durable) comments per
// second with many concurrent writers, which is what group commit is for.
func BenchmarkCreateComment(b *testing.B) {
	s := benchStore(b)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.CreateComment(context.Background(), benchComment(parley.Now(), nil)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
}

// BenchmarkFirstPage reads page 1 (50 comments) of each sort on stories of
// very different sizes: the cost must not grow with the story.
func BenchmarkFirstPage(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("comments=%d", n), func(b *testing.B) {
			s := benchStore(b)
			start := time.Now()
			seed(b, s, n)
			b.Logf("seeded %d comments in %v", n, time.Since(start).Round(time.Millisecond))
			for _, sort := range []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies} {
				b.Run(sort, func(b *testing.B) {
					q := parley.CommentQuery{SiteID: "news", StoryID: "s", Sort: sort, Limit: 50}
					for b.Loop() {
						page, err := s.Comments(context.Background(), q)
						if err != nil || len(page) != 50 {
							b.Fatalf("Comments = %d comments, %v", len(page), err)
						}
					}
				})
			}
		})
	}
}

// seed stores n comments on story "s" through the store, from many
// goroutines so that group commit keeps it to seconds. Every fifth comment
// replies to a top-level comment, so reply counts differ.
func seed(b *testing.B, s *Store, n int) {
	b.Helper()
	const workers = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	base := parley.Now().Add(-time.Duration(n) * time.Millisecond)
	for range workers {
		wg.Go(func() {
			var parent *parley.Comment
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				c := benchComment(base.Add(time.Duration(i)*time.Millisecond), nil)
				if i%5 == 4 && parent != nil {
					c = benchComment(c.CreatedAt, parent)
				}
				if err := s.CreateComment(context.Background(), c); err != nil {
					b.Error(err)
					return
				}
				if c.ParentID == "" {
					parent = c
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// BenchmarkStandings reads the standings of a page's 50 authors among
// 10,000 users of whom one in twenty is staff or has a badge: the one
// query a page build adds for staff badges.
func BenchmarkStandings(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids := make([]string, 0, 50)
	base := parley.Now().Add(-time.Hour)
	for i := range 10000 {
		u := &parley.User{ID: parley.NewID(base.Add(time.Duration(i) * time.Millisecond)), SiteID: "news", Name: "Reader", CreatedAt: base}
		if i%20 == 0 {
			u.Role, u.Badges = parley.RoleStaff, []string{"subscriber"}
		}
		mustDo(b, s.CreateUser(ctx, u))
		if i%200 == 0 {
			ids = append(ids, u.ID)
		}
	}
	for b.Loop() {
		if _, err := s.Standings(ctx, "news", ids); err != nil {
			b.Fatal(err)
		}
	}
}
