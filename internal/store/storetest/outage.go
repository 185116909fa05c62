package storetest

import (
	"context"
	"testing"
	"time"

	"parley"
)

// Unavailable checks that every method of a store whose database has gone
// away (the caller closed it, or cut its connections) fails with
// EUNAVAILABLE, so that the HTTP layer answers 503 with Retry-After rather
// than 500. Arguments are well formed, so that no method can answer from
// its own checks without asking the database.
func Unavailable(t *testing.T, s parley.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	site := &parley.Site{ID: "gone", Name: "Gone", AllowAnonymous: true}
	story := &parley.Story{SiteID: "gone", ID: "s1", URL: "https://gone.example/s1", Title: "T", Lang: "en", Status: parley.StoryOpen, CreatedAt: now}
	user := &parley.User{ID: "u1", SiteID: "gone", Name: "U", TokenHash: "h", CreatedAt: now}
	comment := &parley.Comment{ID: "c1", SiteID: "gone", StoryID: "s1", AuthorID: "u1", Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, CreatedAt: now}
	calls := map[string]func() error{
		"Ping":             func() error { return s.Ping(ctx) },
		"CreateSite":       func() error { return s.CreateSite(ctx, site) },
		"UpdateSite":       func() error { return s.UpdateSite(ctx, site) },
		"Site":             func() error { _, err := s.Site(ctx, "gone"); return err },
		"Sites":            func() error { _, err := s.Sites(ctx); return err },
		"EnsureStory":      func() error { _, err := s.EnsureStory(ctx, story); return err },
		"Story":            func() error { _, err := s.Story(ctx, "gone", "s1"); return err },
		"UpdateStory":      func() error { return s.UpdateStory(ctx, story) },
		"CommentCounts":    func() error { _, err := s.CommentCounts(ctx, "gone", []string{"s1"}); return err },
		"CreateUser":       func() error { return s.CreateUser(ctx, user) },
		"User":             func() error { _, err := s.User(ctx, "u1"); return err },
		"UserByTokenHash":  func() error { _, err := s.UserByTokenHash(ctx, "h"); return err },
		"CreateComment":    func() error { return s.CreateComment(ctx, comment) },
		"Comment":          func() error { _, err := s.Comment(ctx, "c1"); return err },
		"EditComment":      func() error { return s.EditComment(ctx, "c1", "b2", "<p>b2</p>", now) },
		"SetCommentStatus": func() error { return s.SetCommentStatus(ctx, "c1", parley.StatusDeleted, now) },
		"Comments": func() error {
			_, err := s.Comments(ctx, parley.CommentQuery{SiteID: "gone", StoryID: "s1", Sort: parley.SortNewest, Limit: 10})
			return err
		},
		"Replies":        func() error { _, err := s.Replies(ctx, []string{"c1"}, 3); return err },
		"UserComments":   func() error { _, err := s.UserComments(ctx, "gone", "s1", "u1", 10); return err },
		"AddReaction":    func() error { _, err := s.AddReaction(ctx, "c1", "u1", now); return err },
		"RemoveReaction": func() error { _, err := s.RemoveReaction(ctx, "c1", "u1"); return err },
		"UserReactions":  func() error { _, err := s.UserReactions(ctx, "gone", "s1", "u1"); return err },
		"CreateReport": func() error {
			return s.CreateReport(ctx, &parley.Report{ID: "r1", CommentID: "c1", UserID: "u1", Reason: "spam", CreatedAt: now})
		},
		"Events":      func() error { _, err := s.Events(ctx, "gone", "s1", 0, time.Time{}, 10); return err },
		"LastEventID": func() error { _, err := s.LastEventID(ctx, "gone", "s1"); return err },
		// the moderators' queues and measures
		"QueueComments": func() error {
			_, err := s.QueueComments(ctx, parley.QueueQuery{SiteID: "gone", Queue: parley.QueuePending, Limit: 10})
			return err
		},
		"QueueCounts":    func() error { _, err := s.QueueCounts(ctx, "gone", "s1", 100); return err },
		"CommentReports": func() error { _, err := s.CommentReports(ctx, []string{"c1"}, 3); return err },
		"CommentsByID":   func() error { _, err := s.CommentsByID(ctx, []string{"c1"}); return err },
		"UsersByID":      func() error { _, err := s.UsersByID(ctx, []string{"u1"}); return err },
		"StoriesByID":    func() error { _, err := s.StoriesByID(ctx, "gone", []string{"s1"}); return err },
		"ReviewComment":  func() error { return s.ReviewComment(ctx, "c1", now) },
		"SetFeatured":    func() error { return s.SetFeatured(ctx, "c1", true) },
		"SetSanctions":   func() error { return s.SetSanctions(ctx, "u1", parley.Sanctions{BannedAt: now}) },
		"CountNote":      func() error { return s.CountNote(ctx, "u1") },
	}
	for name, call := range calls {
		if code := parley.ErrorCode(call()); code != parley.EUNAVAILABLE {
			t.Errorf("%s with the database gone: code %q, want %q", name, code, parley.EUNAVAILABLE)
		}
	}
}
