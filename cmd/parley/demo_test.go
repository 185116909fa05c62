package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"parley"
	"parley/internal/embed"
)

// seededComment is a comment as the thread JSON sends it, with what the seed test checks.
type seededComment struct {
	ID        string                `json:"id"`
	Depth     int                   `json:"depth"`
	CreatedAt time.Time             `json:"createdAt"`
	Reactions int                   `json:"reactions"`
	Author    struct{ Name string } `json:"author"`
	Replies   []seededComment       `json:"replies"`
}

// startDemo runs newHandler with --demo on the SQLite file at path, as one
// start of `parley serve --demo`, and returns the demo story's comments,
// flattened, and the story's comment count.
func startDemo(t *testing.T, path string) ([]seededComment, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := openStore(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.DiscardHandler), handlerConfig{PublicURL: "http://localhost:8080", Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer closeLive()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/sites/demo/stories/demo-article/comments?sort=oldest", nil))
	var th struct {
		Story    struct{ CommentCount int }
		Comments []seededComment
	}
	if err := json.NewDecoder(rec.Body).Decode(&th); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("thread: %d %v", rec.Code, err)
	}
	var all []seededComment
	var walk func([]seededComment)
	walk = func(cs []seededComment) {
		for _, c := range cs {
			all = append(all, c)
			walk(c.Replies)
		}
	}
	walk(th.Comments)
	return all, th.Story.CommentCount
}

func TestDemoSeedsOnFirstStartOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	first, count := startDemo(t, path)
	if count < 12 || len(first) != count {
		t.Fatalf("first start: %d comments shown, count %d; want a dozen or more, all shown", len(first), count)
	}
	authors, times := map[string]bool{}, map[time.Time]bool{}
	depth, reactions := 0, 0
	for _, c := range first {
		authors[c.Author.Name] = true
		times[c.CreatedAt] = true
		depth = max(depth, c.Depth)
		reactions += c.Reactions
	}
	if len(authors) < 5 || depth < 2 || reactions < 3 || len(times) != len(first) {
		t.Errorf("seeded discussion: %d commenters, depth %d, %d reactions, %d distinct times for %d comments",
			len(authors), depth, reactions, len(times), len(first))
	}

	again, count := startDemo(t, path)
	if len(again) != len(first) || count != len(first) {
		t.Errorf("restart: %d comments (count %d), want the %d of the first start", len(again), count, len(first))
	}

	// An operator who deletes the seeded comments does not get them back.
	ctx := context.Background()
	store, err := openStore(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range first {
		if err := store.SetCommentStatus(ctx, c.ID, parley.StatusDeleted, parley.Now()); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	if _, count := startDemo(t, path); count != 0 {
		t.Errorf("restart after deleting the demo comments: %d comments, want 0", count)
	}
}

// TestDemoNotSeededOverExistingStory: a database that had the demo story
// before (an installation from before seeding existed) is left alone.
func TestDemoNotSeededOverExistingStory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	store, err := openStore(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	mustEmptyDemoStory(t, store)
	store.Close()
	if _, count := startDemo(t, path); count != 0 {
		t.Errorf("existing demo story got %d seeded comments", count)
	}
}

// testRateLimit is the posting limit of the tests' demo site: they post
// many comments from loopback, some the same text twice, as bench does,
// so it is off as bench's is. The limits' own tests are in internal/httpapi
// and TestSiteRateLimitFlag.
var testRateLimit = parley.RateLimit{Off: true}

// mustEmptyDemoStory stores the demo site (unless the test made it) and story before the first start,
// so that --demo finds them and does not seed its discussion: these tests
// count the comments they post themselves.
func mustEmptyDemoStory(t *testing.T, store parley.Store) {
	t.Helper()
	ctx := t.Context()
	site := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true, MaxBodyLength: parley.DefaultMaxBodyLength, EditWindow: parley.DefaultEditWindow,
		RateLimit: testRateLimit, CreatedAt: parley.Now()}
	if err := store.CreateSite(ctx, site); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		t.Fatal(err)
	}
	st := &parley.Story{SiteID: embed.DemoSite, ID: embed.DemoStory, Title: demoInfo.Title, Lang: demoInfo.Lang, Status: parley.StoryOpen, CreatedAt: parley.Now()}
	if _, err := store.EnsureStory(ctx, st); err != nil {
		t.Fatal(err)
	}
}
