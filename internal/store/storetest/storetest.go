// Package storetest is the contract every parley.Store backend must pass.
// Backends differ in SQL and drivers, but the service layer relies on one
// behaviour: the same rows, the same error codes, the same counts, the same
// page orders. A backend's test calls Run with a function that opens a fresh,
// empty, migrated store.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley"
)

// Opener returns a fresh, empty, migrated store and registers its cleanup.
type Opener func(t *testing.T) parley.Store

// Run runs the whole contract against the stores that open returns. Each
// subtest opens its own store, so subtests share no rows.
func Run(t *testing.T, open func(t *testing.T) parley.Store) {
	t.Run("Ping", func(t *testing.T) {
		s := open(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("Site", func(t *testing.T) { testSites(t, open) })
	t.Run("Story", func(t *testing.T) { testStories(t, open) })
	t.Run("User", func(t *testing.T) { testUsers(t, open) })
	t.Run("Comment", func(t *testing.T) { testComments(t, open) })
	t.Run("Count", func(t *testing.T) { testCounts(t, open) })
	t.Run("Page", func(t *testing.T) { testPages(t, open) })
	t.Run("Replies", func(t *testing.T) { testReplies(t, open) })
	t.Run("UserComments", func(t *testing.T) { testUserComments(t, open) })
	t.Run("Reaction", func(t *testing.T) { testReactions(t, open) })
	t.Run("Report", func(t *testing.T) { testReports(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open) })
	t.Run("ConcurrentFailures", func(t *testing.T) { testConcurrentFailures(t, open) })
	t.Run("Events", func(t *testing.T) { testEvents(t, open) })
	t.Run("Key", func(t *testing.T) { testKeys(t, open) })
	t.Run("Log", func(t *testing.T) { testLog(t, open) })
	t.Run("Unit", func(t *testing.T) { testUnits(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("Session", func(t *testing.T) { testSessions(t, open) })
	t.Run("Passkey", func(t *testing.T) { testPasskeys(t, open) })
	t.Run("OIDC", func(t *testing.T) { testOIDC(t, open) })
	t.Run("SignIn", func(t *testing.T) { testSignIns(t, open) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("Standing", func(t *testing.T) { testStandings(t, open) })
	t.Run("RateLimit", func(t *testing.T) { testRateLimits(t, open) })
	t.Run("RecentBodies", func(t *testing.T) { testRecentBodies(t, open) })
	t.Run("Queue", func(t *testing.T) { testQueues(t, open) })
	t.Run("Sanction", func(t *testing.T) { testSanctions(t, open) })
	t.Run("Words", func(t *testing.T) { testWords(t, open) })
	t.Run("ModerationSettings", func(t *testing.T) { testModerationSettings(t, open) })
	t.Run("ApprovedComments", func(t *testing.T) { testApprovedComments(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("Notice", func(t *testing.T) { testNotices(t, open) })
	t.Run("Complaint", func(t *testing.T) { testComplaints(t, open) })
	t.Run("Follow", func(t *testing.T) { testFollow(t, open) })
	t.Run("Backlog", func(t *testing.T) { testBacklog(t, open) })
	t.Run("Transfer", func(t *testing.T) { testTransfer(t, open) })
	t.Run("Recount", func(t *testing.T) { testRecount(t, open) })
}

// equateEmpty lets a backend return nil or an empty slice for "none":
// callers cannot tell them apart and should not have to.
var equateEmpty = cmpopts.EquateEmpty()

// fixture is one fresh store with a site, a story and a user in it, and a
// clock that moves one millisecond per tick so that IDs made from it sort
// in the order they were made.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	s     parley.Store
	now   time.Time
	site  *parley.Site
	story *parley.Story
	user  *parley.User
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: t.Context(), s: open(t), now: parley.Now().Add(-time.Hour)}
	f.site = f.mustSite("news")
	f.story = f.mustStory("story-1")
	f.user = f.mustUser("Ada")
	return f
}

// tick returns a time one millisecond after the previous one.
func (f *fixture) tick() time.Time {
	f.now = f.now.Add(time.Millisecond)
	return f.now
}

func (f *fixture) mustSite(id string) *parley.Site {
	f.t.Helper()
	s := &parley.Site{
		ID: id, Name: "Site " + id, Origins: []string{"https://" + id + ".example"},
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength,
		CreatedAt: f.tick(),
	}
	if err := f.s.CreateSite(f.ctx, s); err != nil {
		f.t.Fatalf("CreateSite(%q): %v", id, err)
	}
	return s
}

func (f *fixture) mustStory(id string) *parley.Story {
	f.t.Helper()
	return f.mustStoryOn(f.site.ID, id)
}

func (f *fixture) mustStoryOn(siteID, id string) *parley.Story {
	f.t.Helper()
	st := &parley.Story{
		SiteID: siteID, ID: id, URL: "https://news.example/" + id, Title: "Title of " + id,
		Lang: "en", Status: parley.StoryOpen, CreatedAt: f.tick(),
	}
	got, err := f.s.EnsureStory(f.ctx, st)
	if err != nil {
		f.t.Fatalf("EnsureStory(%q): %v", id, err)
	}
	return got
}

func (f *fixture) mustUser(name string) *parley.User {
	f.t.Helper()
	at := f.tick()
	u := &parley.User{ID: parley.NewID(at), SiteID: f.site.ID, Name: name, TokenHash: parley.NewID(at) + "-hash", CreatedAt: at}
	if err := f.s.CreateUser(f.ctx, u); err != nil {
		f.t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

// newComment builds, without storing, a comment by f.user on st under
// parent (nil for the top level) with the given status.
func (f *fixture) newComment(st *parley.Story, parent *parley.Comment, status string) *parley.Comment {
	at := f.tick()
	c := &parley.Comment{
		ID: parley.NewID(at), SiteID: st.SiteID, StoryID: st.ID,
		AuthorID: f.user.ID, AuthorName: f.user.Name,
		Body: "Body *" + at.Format(time.RFC3339Nano) + "*", HTML: "<p>Body <em>" + at.Format(time.RFC3339Nano) + "</em></p>",
		Status: status, CreatedAt: at,
	}
	c.RootID = c.ID
	if parent != nil {
		c.ParentID, c.RootID, c.Depth = parent.ID, parent.RootID, parent.Depth+1
	}
	return c
}

// mustComment stores a new comment on f.story and returns it.
func (f *fixture) mustComment(parent *parley.Comment, status string) *parley.Comment {
	f.t.Helper()
	c := f.newComment(f.story, parent, status)
	if err := f.s.CreateComment(f.ctx, c); err != nil {
		f.t.Fatalf("CreateComment: %v", err)
	}
	return c
}

func (f *fixture) mustStatus(c *parley.Comment, status string) {
	f.t.Helper()
	if err := f.s.SetCommentStatus(f.ctx, c.ID, status, f.tick()); err != nil {
		f.t.Fatalf("SetCommentStatus(%s, %s): %v", c.ID, status, err)
	}
}

func (f *fixture) mustReact(c *parley.Comment, u *parley.User) {
	f.t.Helper()
	if ok, err := f.s.AddReaction(f.ctx, c.ID, u.ID, f.tick()); err != nil || !ok {
		f.t.Fatalf("AddReaction(%s, %s) = %v, %v; want true, nil", c.ID, u.ID, ok, err)
	}
}

// get reads a comment back; the test fails if it cannot.
func (f *fixture) get(id string) *parley.Comment {
	f.t.Helper()
	c, err := f.s.Comment(f.ctx, id)
	if err != nil {
		f.t.Fatalf("Comment(%s): %v", id, err)
	}
	return c
}

// storyCount returns the stored CommentCount of f.story.
func (f *fixture) storyCount() int {
	f.t.Helper()
	st, err := f.s.Story(f.ctx, f.story.SiteID, f.story.ID)
	if err != nil {
		f.t.Fatalf("Story: %v", err)
	}
	return st.CommentCount
}

// wantCode fails the test unless err carries the given *parley.Error code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// ids returns the IDs of cs in order.
func ids(cs []*parley.Comment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// diff compares two values with the options every test in this package uses.
func diff(want, got any) string {
	return cmp.Diff(want, got, equateEmpty)
}
