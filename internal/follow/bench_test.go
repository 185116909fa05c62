package follow_test

import (
	"path/filepath"
	"testing"

	"parley"
	"parley/internal/follow"
	"parley/internal/store/sqlite"
)

// BenchmarkFollowReplies measures the follower on SQLite: each op derives
// one reply (its inbox item and a comment.created delivery to one
// endpoint), read from the event log in batches of 100, each batch one
// unit with the cursor.
//
//	go test -run x -bench FollowReplies ./internal/follow
func BenchmarkFollowReplies(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx, now := b.Context(), parley.Now()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(s.CreateSite(ctx, &parley.Site{ID: "news", Name: "News", CreatedAt: now}))
	_, err = s.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: "s1", Status: parley.StoryOpen, CreatedAt: now})
	must(err)
	ada := &parley.User{ID: parley.NewID(now), SiteID: "news", Name: "Ada", CreatedAt: now}
	bob := &parley.User{ID: parley.NewID(now), SiteID: "news", Name: "Bob", CreatedAt: now}
	must(s.CreateUser(ctx, ada))
	must(s.CreateUser(ctx, bob))
	must(s.CreateWebhook(ctx, &parley.Webhook{ID: parley.NewID(now), SiteID: "news", URL: "https://hooks.example/p",
		Events: []string{parley.HookCommentCreated}, CreatedAt: now}))
	comment := func(author *parley.User, parent string) *parley.Comment {
		at := parley.Now()
		c := &parley.Comment{ID: parley.NewID(at), SiteID: "news", StoryID: "s1", ParentID: parent, AuthorID: author.ID,
			AuthorName: author.Name, Body: "x", HTML: "<p>x</p>", Status: parley.StatusApproved, CreatedAt: at}
		c.RootID = c.ID
		if parent != "" {
			c.RootID, c.Depth = parent, 1
		}
		must(s.CreateComment(ctx, c))
		return c
	}
	top := comment(ada, "")
	d := &follow.Deriver{}
	f := follow.New(s, follow.Options{Batch: 100}, follow.EventLog(s, d))
	must(f.RunOnce(ctx))
	for range b.N {
		comment(bob, top.ID)
	}
	b.ResetTimer()
	must(f.RunOnce(ctx))
	b.StopTimer()
	if n, _ := s.UnreadInbox(ctx, ada.ID); n != min(b.N, parley.MaxUnread) {
		b.Fatalf("%d unread, want %d", n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
