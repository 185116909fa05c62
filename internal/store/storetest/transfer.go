package storetest

import (
	"testing"
	"time"

	"parley"
)

// testTransfer checks the rows an import writes as given and an export
// reads back page by page: IDs, counts and marks kept, a second write of a
// row a no-op, parents before replies, and pages that resume at their key.
func testTransfer(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	at := f.tick()
	u := &parley.User{ID: "imported-user", SiteID: f.site.ID, Name: "Imported", Role: parley.RoleModerator,
		Sanctions: parley.Sanctions{BannedAt: at}, Counts: parley.UserCounts{Approved: 2, Reports: 1}, CreatedAt: at}
	st := &parley.Story{SiteID: f.site.ID, ID: "imported", URL: "https://news.example/i", Title: "I", Lang: "en",
		Status: parley.StoryClosed, CommentCount: 2, CreatedAt: at}
	top := &parley.Comment{ID: "c1", SiteID: f.site.ID, StoryID: st.ID, RootID: "c1", AuthorID: u.ID, AuthorName: u.Name,
		Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, ReplyCount: 1, ReactionCount: 1, ReportCount: 1,
		Featured: true, ReportsReviewed: 1, CreatedAt: at, EditedAt: at.Add(time.Second)}
	reply := &parley.Comment{ID: "c0", SiteID: f.site.ID, StoryID: st.ID, ParentID: "c1", RootID: "c1", Depth: 1,
		AuthorID: u.ID, AuthorName: u.Name, Body: "r", HTML: "<p>r</p>", Status: parley.StatusApproved, CreatedAt: at}
	orphan := &parley.Comment{ID: "c9", SiteID: f.site.ID, StoryID: st.ID, ParentID: "nope", RootID: "nope", Depth: 1,
		AuthorID: u.ID, Status: parley.StatusApproved, CreatedAt: at}
	reaction := parley.ReactionRow{CommentID: "c1", UserID: f.user.ID, CreatedAt: at}
	report := &parley.Report{ID: "r1", CommentID: "c1", UserID: f.user.ID, Reason: "spam", CreatedAt: at}
	entry := &parley.AuditEntry{ID: 1000, SiteID: f.site.ID, Action: parley.AuditBanned, UserID: u.ID, CreatedAt: at}

	var wrote []bool
	write := func(tx parley.Tx) error {
		wrote = wrote[:0]
		for _, fn := range []func() (bool, error){
			func() (bool, error) { return tx.ImportUser(ctx, u) },
			func() (bool, error) { return tx.ImportStory(ctx, st) },
			func() (bool, error) { return tx.ImportComment(ctx, top) },
			func() (bool, error) { return tx.ImportComment(ctx, reply) },
			func() (bool, error) { return tx.ImportReaction(ctx, reaction) },
			func() (bool, error) { return tx.ImportReport(ctx, report) },
			func() (bool, error) { return tx.ImportAudit(ctx, entry) },
		} {
			ok, err := fn()
			if err != nil {
				return err
			}
			wrote = append(wrote, ok)
		}
		return nil
	}
	if err := s.Update(ctx, write); err != nil {
		t.Fatalf("first import: %v", err)
	}
	for i, ok := range wrote {
		if !ok {
			t.Errorf("first import: write %d reports nothing written", i)
		}
	}
	if err := s.Update(ctx, write); err != nil {
		t.Fatalf("second import: %v", err)
	}
	for i, ok := range wrote {
		if ok {
			t.Errorf("second import: write %d wrote again", i)
		}
	}
	_, err := s.ImportComment(ctx, orphan)
	wantCode(t, "ImportComment of an orphan", err, parley.ENOTFOUND)

	gotU, err := s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(u, gotU); d != "" {
		t.Errorf("imported user (-want +got):\n%s", d)
	}
	gotSt, err := s.Story(ctx, st.SiteID, st.ID)
	if err != nil || gotSt.CommentCount != 2 || gotSt.Status != parley.StoryClosed {
		t.Errorf("imported story = %+v, %v", gotSt, err)
	}
	if d := diff(top, f.get(top.ID)); d != "" {
		t.Errorf("imported comment (-want +got):\n%s", d)
	}
	// Pages of one row resume at their key, parents first.
	var key parley.CommentKey
	var order []string
	for range 3 {
		page, err := s.TransferComments(ctx, st.SiteID, st.ID, key, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			order = append(order, c.ID)
			key = parley.CommentKey{Depth: c.Depth, ID: c.ID}
		}
	}
	if d := diff([]string{"c1", "c0"}, order); d != "" {
		t.Errorf("comment order (-want +got):\n%s", d)
	}
	rs, err := s.TransferReactions(ctx, st.SiteID, st.ID, parley.ReactionRow{}, 10)
	if err != nil || len(rs) != 1 || rs[0] != reaction {
		t.Errorf("TransferReactions = %v, %v", rs, err)
	}
	reps, err := s.TransferReports(ctx, st.SiteID, st.ID, "", 10)
	if err != nil || len(reps) != 1 || reps[0].Reason != "spam" {
		t.Errorf("TransferReports = %v, %v", reps, err)
	}
	es, err := s.TransferAudit(ctx, f.site.ID, 999, 10)
	if err != nil || len(es) != 1 || es[0].ID != 1000 {
		t.Errorf("TransferAudit = %v, %v", es, err)
	}
	next := &parley.AuditEntry{SiteID: f.site.ID, Action: parley.AuditNoted, UserID: u.ID}
	if err := s.AppendAudit(ctx, next); err != nil || next.ID <= 1000 {
		t.Errorf("AppendAudit after an import: ID %d, %v; want above 1000", next.ID, err)
	}
	_, err = s.TransferUsers(ctx, f.site.ID, "", 0)
	wantCode(t, "TransferUsers with limit 0", err, parley.EINVALID)
	users, err := s.TransferUsers(ctx, f.site.ID, "", parley.MaxTransferPage)
	if err != nil || len(users) != 2 {
		t.Errorf("TransferUsers = %d users, %v; want the fixture's and the imported", len(users), err)
	}
}
