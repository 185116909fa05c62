package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testNotices: a notice is stored and read back whole, only on its site;
// a conditional update refuses a stale status (ECONFLICT) and an unknown
// notice (ENOTFOUND); pages follow the cursor oldest first, by status and
// period; ForgetNotifiers empties only decided notices' contacts.
func testNotices(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.mustComment(nil, parley.StatusApproved)
	var made []*parley.Notice
	for i, kind := range []string{parley.NoticeHate, parley.NoticeCSAM, parley.NoticeFraud} {
		n := &parley.Notice{Reference: parley.NewReference("N", f.now), SiteID: f.site.ID, CommentID: c.ID, StoryID: c.StoryID,
			Kind: kind, Law: "§ 130 StGB", Explanation: "Volksverhetzung", Name: "Eva", Email: "eva@example.org", Lang: "de",
			Status: parley.NoticeReceived, CreatedAt: f.tick()}
		if i == 1 {
			n.Name, n.Email, n.UserID = "", "", f.user.ID
		}
		if err := f.s.CreateNotice(f.ctx, n); err != nil {
			t.Fatalf("CreateNotice: %v", err)
		}
		made = append(made, n)
	}
	wantCode(t, "CreateNotice twice", f.s.CreateNotice(f.ctx, made[0]), parley.ECONFLICT)
	orphan := *made[0]
	orphan.Reference, orphan.CommentID = parley.NewReference("N", f.now), "nope"
	if err := f.s.CreateNotice(f.ctx, &orphan); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("CreateNotice on a missing comment: %v, want ENOTFOUND", err)
	}

	got, err := f.s.Notice(f.ctx, f.site.ID, made[0].Reference)
	if err != nil {
		t.Fatalf("Notice: %v", err)
	}
	if diff := cmp.Diff(made[0], got); diff != "" {
		t.Errorf("Notice (-want +got):\n%s", diff)
	}
	other := f.mustSite("other")
	_, err = f.s.Notice(f.ctx, other.ID, made[0].Reference)
	wantCode(t, "Notice of another site", err, parley.ENOTFOUND)

	decided := *made[0]
	decided.Status, decided.Action, decided.Ground, decided.Basis, decided.Note = parley.NoticeDecided, parley.ActionRemove, parley.GroundLaw, "§ 130 StGB", "incites hatred"
	decided.DecidedBy, decided.DecidedAt = f.user.ID, f.tick()
	if err := f.s.Update(f.ctx, func(tx parley.Tx) error { return tx.UpdateNotice(f.ctx, &decided, parley.NoticeReceived) }); err != nil {
		t.Fatalf("UpdateNotice: %v", err)
	}
	wantCode(t, "UpdateNotice from a stale status", f.s.UpdateNotice(f.ctx, &decided, parley.NoticeReceived), parley.ECONFLICT)
	missing := decided
	missing.Reference = "N-2026-NOPE"
	wantCode(t, "UpdateNotice of a missing notice", f.s.UpdateNotice(f.ctx, &missing, parley.NoticeReceived), parley.ENOTFOUND)
	if got, _ := f.s.Notice(f.ctx, f.site.ID, decided.Reference); !cmp.Equal(&decided, got) {
		t.Errorf("Notice after the decision: %+v, want %+v", got, &decided)
	}

	page := func(q parley.NoticeQuery) []string {
		t.Helper()
		q.SiteID = f.site.ID
		if q.Limit == 0 {
			q.Limit = 10
		}
		ns, err := f.s.NoticePage(f.ctx, q)
		if err != nil {
			t.Fatalf("NoticePage(%+v): %v", q, err)
		}
		var refs []string
		for _, n := range ns {
			refs = append(refs, n.Reference)
		}
		return refs
	}
	refs := func(ns ...*parley.Notice) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Reference)
		}
		return out
	}
	checks := []struct {
		name string
		q    parley.NoticeQuery
		want []string
	}{
		{"all", parley.NoticeQuery{}, refs(made...)},
		{"received", parley.NoticeQuery{Status: parley.NoticeReceived}, refs(made[1], made[2])},
		{"decided", parley.NoticeQuery{Status: parley.NoticeDecided}, refs(made[0])},
		{"first of two", parley.NoticeQuery{Limit: 2}, refs(made[0], made[1])},
		{"after the cursor", parley.NoticeQuery{AfterTime: made[1].CreatedAt, AfterRef: made[1].Reference}, refs(made[2])},
		{"in the period", parley.NoticeQuery{From: made[1].CreatedAt, To: made[2].CreatedAt}, refs(made[1])},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, page(c.q), equateEmpty); diff != "" {
			t.Errorf("NoticePage %s (-want +got):\n%s", c.name, diff)
		}
	}
	for _, q := range []parley.NoticeQuery{{Limit: 1}, {SiteID: f.site.ID}, {SiteID: f.site.ID, Limit: parley.MaxNoticePage + 1}} {
		if _, err := f.s.NoticePage(f.ctx, q); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("NoticePage(%+v): %v, want EINVALID", q, err)
		}
	}

	n, err := f.s.ForgetNotifiers(f.ctx, decided.DecidedAt.Add(time.Millisecond))
	if err != nil || n != 1 {
		t.Fatalf("ForgetNotifiers = %d, %v; want 1", n, err)
	}
	forgot, _ := f.s.Notice(f.ctx, f.site.ID, decided.Reference)
	kept, _ := f.s.Notice(f.ctx, f.site.ID, made[2].Reference)
	if forgot.Name != "" || forgot.Email != "" || kept.Email != "eva@example.org" {
		t.Errorf("after ForgetNotifiers: decided %q %q, received %q; want only the decided one emptied", forgot.Name, forgot.Email, kept.Email)
	}
}

// testComplaints: one complaint per decision (ECONFLICT for a second),
// read back whole, decided once, paged as notices are.
func testComplaints(t *testing.T, open Opener) {
	f := newFixture(t, open)
	mk := func(entry int64) *parley.Complaint {
		return &parley.Complaint{Reference: parley.NewReference("C", f.now), SiteID: f.site.ID, EntryID: entry, Action: parley.AuditRejected,
			CommentID: "c1", UserID: f.user.ID, NoticeRef: "N-2026-ABCDEFGHJK", Explanation: "Satire, not hate.", Lang: "fr",
			Status: parley.ComplaintReceived, CreatedAt: f.tick()}
	}
	first, second := mk(7), mk(8)
	for _, c := range []*parley.Complaint{first, second} {
		if err := f.s.CreateComplaint(f.ctx, c); err != nil {
			t.Fatalf("CreateComplaint: %v", err)
		}
	}
	again := mk(7)
	wantCode(t, "a second complaint on a decision", f.s.CreateComplaint(f.ctx, again), parley.ECONFLICT)

	got, err := f.s.Complaint(f.ctx, f.site.ID, first.Reference)
	if err != nil {
		t.Fatalf("Complaint: %v", err)
	}
	if diff := cmp.Diff(first, got); diff != "" {
		t.Errorf("Complaint (-want +got):\n%s", diff)
	}
	_, err = f.s.Complaint(f.ctx, "other", first.Reference)
	wantCode(t, "Complaint of another site", err, parley.ENOTFOUND)

	done := *first
	done.Status, done.Outcome, done.Note, done.DecidedBy, done.DecidedAt = parley.ComplaintDecided, parley.OutcomeReversed, "satire", "mod2", f.tick()
	if err := f.s.UpdateComplaint(f.ctx, &done, parley.ComplaintReceived); err != nil {
		t.Fatalf("UpdateComplaint: %v", err)
	}
	wantCode(t, "UpdateComplaint twice", f.s.UpdateComplaint(f.ctx, &done, parley.ComplaintReceived), parley.ECONFLICT)
	if got, _ := f.s.Complaint(f.ctx, f.site.ID, first.Reference); !cmp.Equal(&done, got) {
		t.Errorf("Complaint after the decision: %+v, want %+v", got, &done)
	}

	open2, err := f.s.ComplaintPage(f.ctx, parley.NoticeQuery{SiteID: f.site.ID, Status: parley.ComplaintReceived, Limit: 10})
	if err != nil || len(open2) != 1 || open2[0].Reference != second.Reference {
		t.Errorf("ComplaintPage(received) = %v, %v; want only %s", open2, err, second.Reference)
	}
	all, err := f.s.ComplaintPage(f.ctx, parley.NoticeQuery{SiteID: f.site.ID, Limit: 1, AfterTime: first.CreatedAt, AfterRef: first.Reference})
	if err != nil || len(all) != 1 || all[0].Reference != second.Reference {
		t.Errorf("ComplaintPage after the first = %v, %v; want %s", all, err, second.Reference)
	}
}
