package transfer_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
	"parley/internal/transfer"
)

// opener opens a fresh, empty store of one backend.
type opener func(t *testing.T) parley.Store

// backends returns the openers; PostgreSQL schemas share one database,
// created on first use for the whole of outer.
func backends(outer *testing.T) map[string]opener {
	var pgDB string
	return map[string]opener{
		"sqlite": func(t *testing.T) parley.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) parley.Store {
			if pgDB == "" {
				pgDB = pgtest.URL(outer)
			}
			s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t, pgDB))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// TestRoundTrip exports a site with every kind of row, imports it into an
// empty database, exports that, and compares the two files byte for byte;
// a second import adds nothing. Every pair of backends, both ways.
func TestRoundTrip(t *testing.T) {
	open := backends(t)
	for _, from := range []string{"sqlite", "postgres"} {
		for _, to := range []string{"sqlite", "postgres"} {
			t.Run(from+"-to-"+to, func(t *testing.T) {
				src := open[from](t)
				fill(t, src)
				first := mustExport(t, src, "news")
				for _, kind := range []string{"site", "user", "story", "comment", "reaction", "report", "revision", "audit", "notice", "complaint"} {
					if !strings.Contains(first, `{"type":"`+kind+`","v":1,`) {
						t.Errorf("the export has no %s line", kind)
					}
				}
				if strings.Contains(first, "ada@example.com") || strings.Contains(first, "token-hash") ||
					strings.Contains(first, "dee@example.org") || strings.Contains(first, "hash-of-an-address") {
					t.Errorf("the export holds a secret or an address:\n%s", first)
				}
				dst := open[to](t)
				stats, err := transfer.Import(t.Context(), dst, strings.NewReader(first), "news")
				if err != nil {
					t.Fatalf("Import: %v", err)
				}
				if again := mustExport(t, dst, "news"); again != first {
					t.Fatalf("export after import differs:\n--- first\n%s\n--- again\n%s", first, again)
				}
				stats, err = transfer.Import(t.Context(), dst, strings.NewReader(first), "news")
				if err != nil {
					t.Fatalf("second Import: %v", err)
				}
				for k, n := range stats {
					if k != "skipped" && n > 0 {
						t.Errorf("second import wrote %d %s rows", n, k)
					}
				}
				if again := mustExport(t, dst, "news"); again != first {
					t.Errorf("export after a second import differs")
				}
				checkCounts(t, dst)
				// What the store derives goes on from the imported rows.
				c := &parley.Comment{ID: parley.NewID(parley.Now()), SiteID: "news", StoryID: "a", AuthorID: "u1",
					AuthorName: "Ada", Body: "new", HTML: "<p>new</p>", Status: parley.StatusApproved, CreatedAt: parley.Now()}
				c.RootID = c.ID
				if err := dst.CreateComment(t.Context(), c); err != nil {
					t.Fatalf("comment after import: %v", err)
				}
				e := &parley.AuditEntry{SiteID: "news", Action: parley.AuditApproved, CommentID: c.ID}
				if err := dst.AppendAudit(t.Context(), e); err != nil || e.ID <= 3 {
					t.Errorf("audit entry after import got ID %d, %v; want one above the imported", e.ID, err)
				}
			})
		}
	}
}

// checkCounts compares the kept counts with the rows: the story's
// CommentCount with its approved comments, each ReplyCount with the shown
// replies.
func checkCounts(t *testing.T, s parley.Store) {
	t.Helper()
	st, err := s.Story(t.Context(), "news", "a")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.TransferComments(t.Context(), "news", "a", parley.CommentKey{}, parley.MaxTransferPage)
	if err != nil {
		t.Fatal(err)
	}
	approved, replies := 0, map[string]int{}
	for _, c := range cs {
		if c.Status == parley.StatusApproved {
			approved++
		}
		if c.ParentID != "" && parley.Shown(c.Status, c.ReplyCount) {
			replies[c.ParentID]++
		}
	}
	if st.CommentCount != approved {
		t.Errorf("CommentCount %d, %d approved comments", st.CommentCount, approved)
	}
	for _, c := range cs {
		if c.ReplyCount != replies[c.ID] {
			t.Errorf("comment %s: ReplyCount %d, %d shown replies", c.ID, c.ReplyCount, replies[c.ID])
		}
	}
}

func mustExport(t *testing.T, s parley.Store, site string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := transfer.Export(t.Context(), s, &b, site, transfer.Options{}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return b.String()
}

// fill writes a site with every kind of row through the store's ordinary
// writes, so that counts and marks are what the store keeps.
func fill(t *testing.T, s parley.Store) {
	t.Helper()
	ctx := t.Context()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tick := func() time.Time { at = at.Add(time.Second + time.Millisecond); return at }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	site := &parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"}, AllowAnonymous: true,
		EditWindow: 10 * time.Minute, MaxBodyLength: 5000, CreatedAt: tick(),
		Privacy:    parley.Privacy{ErasePolicy: parley.EraseAnonymize, IPRetention: 48 * time.Hour},
		Moderation: parley.Moderation{Premoderation: parley.PremoderateLinks, LinkAllowlist: []string{"news.example"}}}
	must("CreateSite", s.CreateSite(ctx, site))
	users := []*parley.User{
		{ID: "u1", SiteID: "news", Name: "Ada", TokenHash: "token-hash-1", Email: "ada@example.com", Badges: []string{"subscriber"}, CreatedAt: tick()},
		{ID: "u2", SiteID: "news", Name: "Bo", Role: parley.RoleModerator, CreatedAt: tick()},
		{ID: "u3", SiteID: "news", Name: "Cy", CreatedAt: tick()},
	}
	for _, u := range users {
		must("CreateUser", s.CreateUser(ctx, u))
	}
	must("SetSanctions", s.SetSanctions(ctx, "u3", parley.Sanctions{WarnedAt: tick(), SuspendedUntil: at.Add(72 * time.Hour)}))
	for _, id := range []string{"a", "b"} {
		_, err := s.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: id, URL: "https://news.example/" + id,
			Title: "Story " + id, Lang: "en", Status: parley.StoryOpen, CreatedAt: tick()})
		must("EnsureStory", err)
	}
	var made []*parley.Comment
	post := func(story string, parent *parley.Comment, author *parley.User, status string) *parley.Comment {
		now := tick()
		c := &parley.Comment{ID: parley.NewID(now), SiteID: "news", StoryID: story, AuthorID: author.ID,
			AuthorName: author.Name, Body: fmt.Sprintf("body %d", len(made)), HTML: fmt.Sprintf("<p>body %d</p>", len(made)),
			Status: status, CreatedAt: now}
		c.RootID = c.ID
		if parent != nil {
			c.ParentID, c.RootID, c.Depth = parent.ID, parent.RootID, parent.Depth+1
		}
		must("CreateComment", s.CreateComment(ctx, c))
		made = append(made, c)
		return c
	}
	top := post("a", nil, users[0], parley.StatusApproved)
	reply := post("a", top, users[1], parley.StatusApproved)
	post("a", reply, users[2], parley.StatusPending)
	gone := post("a", nil, users[2], parley.StatusApproved)
	post("a", gone, users[0], parley.StatusApproved)
	post("b", nil, users[0], parley.StatusRejected)
	must("EditComment", s.EditComment(ctx, top.ID, "edited", "<p>edited</p>", tick()))
	must("SetCommentStatus", s.SetCommentStatus(ctx, gone.ID, parley.StatusDeleted, tick()))
	must("SetFeatured", s.SetFeatured(ctx, top.ID, true))
	for _, u := range users[1:] {
		_, err := s.AddReaction(ctx, top.ID, u.ID, tick())
		must("AddReaction", err)
	}
	must("CreateReport", s.CreateReport(ctx, &parley.Report{ID: parley.NewID(tick()), CommentID: reply.ID, UserID: "u3",
		Reason: "spam", Note: "ads", IPHash: "hash-of-an-address", CreatedAt: at}))
	for i, c := range made[:2] {
		must("AddRevision", s.AddRevision(ctx, &parley.Revision{CommentID: c.ID, N: 1, Body: c.Body, HTML: c.HTML,
			Status: parley.StatusPending, Reasons: []parley.Reason{{Check: parley.CheckWords, Key: "suspect", Detail: fmt.Sprint(i)}}, CreatedAt: c.CreatedAt}))
	}
	must("CreateNotice", s.CreateNotice(ctx, &parley.Notice{Reference: "N-2026-AAAAAA", SiteID: "news", CommentID: reply.ID,
		StoryID: "a", Kind: parley.NoticeHate, Law: "§130 StGB", Explanation: "incites", Name: "Dee Notifier",
		Email: "dee@example.org", Lang: "de", Status: parley.NoticeDecided, Action: parley.ActionRemove,
		Ground: parley.GroundLaw, Basis: "§130", DecidedBy: "u2", CreatedAt: tick(), DecidedAt: tick()}))
	for _, e := range []*parley.AuditEntry{
		{SiteID: "news", Action: parley.AuditRejected, StoryID: "a", CommentID: gone.ID, UserID: "u3", ActorID: "u2", Before: "approved", After: "deleted", CreatedAt: tick()},
		{SiteID: "news", Action: parley.AuditRejected, StoryID: "b", CommentID: made[5].ID, Automated: true, Reason: "spam", After: "rejected", CreatedAt: tick()},
		{SiteID: "news", Action: parley.AuditWarned, UserID: "u3", ActorID: "u2", Note: "be kind", CreatedAt: tick()},
	} {
		must("AppendAudit", s.AppendAudit(ctx, e))
	}
	must("CreateComplaint", s.CreateComplaint(ctx, &parley.Complaint{Reference: "C-2026-BBBBBB", SiteID: "news", EntryID: 1,
		Action: parley.AuditRejected, CommentID: gone.ID, UserID: "u3", NoticeRef: "N-2026-AAAAAA", Explanation: "unfair",
		Lang: "en", Status: parley.ComplaintReceived, CreatedAt: tick()}))
}
