package storetest

import (
	"slices"
	"testing"
	"time"

	"parley"
)

// testTransfer checks the rows an import writes as given and an export
// reads back page by page: IDs, counts and marks kept, a second write of a
// row a no-op, parents before replies, and pages that resume at their key.
func testTransfer(t *testing.T, open Opener) {
	f := newFixture(t, open)
	r := newTransferRows(f)
	if wrote := r.write(); len(wrote) != len(r.writes) || slices.Contains(wrote, false) {
		t.Fatalf("first import wrote %v, want every row", wrote)
	}
	if wrote := r.write(); slices.Contains(wrote, true) {
		t.Fatalf("second import wrote %v, want nothing", wrote)
	}
	orphan := &parley.Comment{ID: "c9", SiteID: f.site.ID, StoryID: r.story.ID, ParentID: "nope", RootID: "nope", Depth: 1,
		AuthorID: r.user.ID, Status: parley.StatusApproved, CreatedAt: f.tick()}
	_, err := f.s.ImportComment(f.ctx, orphan)
	wantCode(t, "ImportComment of an orphan", err, parley.ENOTFOUND)
	r.checkRows()
	r.checkPages()
}

// transferRows is one of every row an import writes.
type transferRows struct {
	f      *fixture
	user   *parley.User
	story  *parley.Story
	top    *parley.Comment
	writes []func(tx parley.Tx) (bool, error)
}

func newTransferRows(f *fixture) *transferRows {
	at := f.tick()
	site := f.site.ID
	r := &transferRows{f: f,
		user: &parley.User{ID: "imported-user", SiteID: site, Name: "Imported", Role: parley.RoleModerator,
			Sanctions: parley.Sanctions{BannedAt: at}, Counts: parley.UserCounts{Approved: 2, Reports: 1}, CreatedAt: at},
		story: &parley.Story{SiteID: site, ID: "imported", URL: "https://news.example/i", Title: "I", Lang: "en",
			Status: parley.StoryClosed, CommentCount: 2, CreatedAt: at},
		top: &parley.Comment{ID: "c1", SiteID: site, StoryID: "imported", RootID: "c1", AuthorID: "imported-user",
			AuthorName: "Imported", Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, ReplyCount: 1,
			ReactionCount: 1, ReportCount: 1, Featured: true, ReportsReviewed: 1, CreatedAt: at, EditedAt: at.Add(time.Second)},
	}
	reply := &parley.Comment{ID: "c0", SiteID: site, StoryID: "imported", ParentID: "c1", RootID: "c1", Depth: 1,
		AuthorID: "imported-user", AuthorName: "Imported", Body: "r", HTML: "<p>r</p>", Status: parley.StatusApproved, CreatedAt: at}
	ctx := f.ctx
	r.writes = []func(tx parley.Tx) (bool, error){
		func(tx parley.Tx) (bool, error) { return tx.ImportUser(ctx, r.user) },
		func(tx parley.Tx) (bool, error) { return tx.ImportStory(ctx, r.story) },
		func(tx parley.Tx) (bool, error) { return tx.ImportComment(ctx, r.top) },
		func(tx parley.Tx) (bool, error) { return tx.ImportComment(ctx, reply) },
		func(tx parley.Tx) (bool, error) {
			return tx.ImportReaction(ctx, parley.ReactionRow{CommentID: "c1", UserID: f.user.ID, CreatedAt: at})
		},
		func(tx parley.Tx) (bool, error) {
			return tx.ImportReport(ctx, &parley.Report{ID: "r1", CommentID: "c1", UserID: f.user.ID, Reason: "spam", CreatedAt: at})
		},
		func(tx parley.Tx) (bool, error) {
			return tx.ImportAudit(ctx, &parley.AuditEntry{ID: 1000, SiteID: site, Action: parley.AuditBanned, UserID: "imported-user", CreatedAt: at})
		},
		func(tx parley.Tx) (bool, error) {
			return tx.ImportRevision(ctx, &parley.Revision{CommentID: "c1", N: 1, Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, CreatedAt: at})
		},
		func(tx parley.Tx) (bool, error) {
			return tx.ImportNotice(ctx, &parley.Notice{Reference: "N-2026-TTTTTT", SiteID: site, CommentID: "c1", StoryID: "imported",
				Kind: parley.NoticeFraud, Explanation: "x", Status: parley.NoticeReceived, CreatedAt: at})
		},
		func(tx parley.Tx) (bool, error) {
			return tx.ImportComplaint(ctx, &parley.Complaint{Reference: "C-2026-TTTTTT", SiteID: site, EntryID: 1000,
				Action: parley.AuditBanned, UserID: "imported-user", Explanation: "y", Status: parley.ComplaintReceived, CreatedAt: at})
		},
	}
	return r
}

// write runs every import write in one unit and returns what each reported.
func (r *transferRows) write() []bool {
	r.f.t.Helper()
	var wrote []bool
	err := r.f.s.Update(r.f.ctx, func(tx parley.Tx) error {
		wrote = wrote[:0]
		for _, fn := range r.writes {
			ok, err := fn(tx)
			if err != nil {
				return err
			}
			wrote = append(wrote, ok)
		}
		return nil
	})
	if err != nil {
		r.f.t.Fatalf("import: %v", err)
	}
	return wrote
}

// checkRows reads the user, story and comment back as they were given.
func (r *transferRows) checkRows() {
	f := r.f
	u, err := f.s.User(f.ctx, r.user.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if d := diff(r.user, u); d != "" {
		f.t.Errorf("imported user (-want +got):\n%s", d)
	}
	st, err := f.s.Story(f.ctx, r.story.SiteID, r.story.ID)
	if err != nil || st.CommentCount != 2 || st.Status != parley.StoryClosed {
		f.t.Errorf("imported story = %+v, %v", st, err)
	}
	if d := diff(r.top, f.get(r.top.ID)); d != "" {
		f.t.Errorf("imported comment (-want +got):\n%s", d)
	}
	next := &parley.AuditEntry{SiteID: f.site.ID, Action: parley.AuditNoted, UserID: r.user.ID}
	if err := f.s.AppendAudit(f.ctx, next); err != nil || next.ID <= 1000 {
		f.t.Errorf("AppendAudit after an import: ID %d, %v; want above 1000", next.ID, err)
	}
}

// checkPages reads the rows back through the Transfer reads.
func (r *transferRows) checkPages() {
	f, ctx, s, site, story := r.f, r.f.ctx, r.f.s, r.f.site.ID, r.story.ID
	var key parley.CommentKey
	var order []string
	for range 3 { // pages of one row resume at their key, parents first
		page, err := s.TransferComments(ctx, site, story, key, 1)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, c := range page {
			order = append(order, c.ID)
			key = parley.CommentKey{Depth: c.Depth, ID: c.ID}
		}
	}
	if d := diff([]string{"c1", "c0"}, order); d != "" {
		f.t.Errorf("comment order (-want +got):\n%s", d)
	}
	counts := map[string]func() (int, error){
		"reactions": func() (int, error) {
			x, err := s.TransferReactions(ctx, site, story, parley.ReactionRow{}, 10)
			return len(x), err
		},
		"reports": func() (int, error) { x, err := s.TransferReports(ctx, site, story, "", 10); return len(x), err },
		"revisions": func() (int, error) {
			x, err := s.TransferRevisions(ctx, site, story, parley.RevisionKey{}, 10)
			return len(x), err
		},
		"audit":      func() (int, error) { x, err := s.TransferAudit(ctx, site, 999, 1); return len(x), err },
		"notices":    func() (int, error) { x, err := s.TransferNotices(ctx, site, "", 10); return len(x), err },
		"complaints": func() (int, error) { x, err := s.TransferComplaints(ctx, site, "", 10); return len(x), err },
		"users": func() (int, error) {
			x, err := s.TransferUsers(ctx, site, "", parley.MaxTransferPage)
			return len(x) - 1, err
		},
	}
	for what, count := range counts {
		if n, err := count(); n != 1 || err != nil {
			f.t.Errorf("Transfer of %s: %d, %v; want the one imported", what, n, err)
		}
	}
	_, err := s.TransferUsers(ctx, site, "", 0)
	wantCode(f.t, "TransferUsers with limit 0", err, parley.EINVALID)
}
