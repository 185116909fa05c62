package service_test

import (
	"strings"
	"testing"

	"parley"
	"parley/internal/dsa"
	"parley/internal/service"
)

// TestDecideNotice: only moderators decide; removing rejects the comment
// with an audit entry that names the notice, marks the notice decided and
// mails the notifier the outcome, in one unit; a second decision is
// refused; the queue pages by status.
func TestDecideNotice(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		ctx := t.Context()
		n := w.notice(ctx, hate())
		spare := w.notice(ctx, hate())
		w.mails()

		remove := service.NoticeDecision{SiteID: "s", Reference: n.Reference, Action: parley.ActionRemove, Ground: parley.GroundLaw,
			Basis: "§ 130 StGB", Note: "Ruft zu Hass gegen eine Gruppe auf."}
		_, err := w.svc.DecideNotice(w.as(w.commenter), remove)
		wantKey(t, "a commenter deciding", err, parley.EFORBIDDEN, "roleTooLow")
		_, err = w.svc.DecideNotice(ctx, remove)
		wantKey(t, "a guest deciding", err, parley.EUNAUTHORIZED, "signInRequired")
		for _, d := range []service.NoticeDecision{
			{Action: "delete", Ground: parley.GroundLaw, Basis: "x"},
			{Action: parley.ActionRemove},
			{Action: parley.ActionRemove, Ground: parley.GroundLaw},
			{Action: parley.ActionRemove, Ground: parley.GroundTerms, Basis: "rude"},
		} {
			d.SiteID, d.Reference = "s", n.Reference
			_, err := w.svc.DecideNotice(w.as(w.mod), d)
			wantKey(t, "decision "+d.Action+"/"+d.Ground+"/"+d.Basis, err, parley.EINVALID, "noticeDecision")
		}

		reviewed, err := w.svc.ReviewNotice(w.as(w.mod2), "s", n.Reference)
		if err != nil || reviewed.Status != parley.NoticeInReview || reviewed.ReviewedBy != w.mod2.ID {
			t.Fatalf("ReviewNotice = %+v, %v", reviewed, err)
		}
		page, err := w.svc.Notices(w.as(w.mod), "s", parley.NoticeInReview, "")
		if err != nil || len(page.Items) != 1 || page.Items[0].Reference != n.Reference {
			t.Errorf("in review = %+v, %v", page, err)
		}

		out, err := w.svc.DecideNotice(w.as(w.mod), remove)
		if err != nil {
			t.Fatalf("DecideNotice: %v", err)
		}
		if len(out.Entries) != 2 || out.Entries[0].Action != parley.AuditRejected || out.Entries[0].Ref != n.Reference ||
			out.Entries[0].Reason != parley.ReasonIllegal || out.Entries[0].UserID != w.author.ID || out.Entries[0].ActorID != w.mod.ID ||
			out.Entries[1].Action != parley.AuditNoticeDecided {
			t.Errorf("entries = %+v", out.Entries)
		}
		if c, _ := store.Comment(ctx, w.comment.ID); c.Status != parley.StatusRejected {
			t.Errorf("comment status %s after removal", c.Status)
		}
		got, _ := store.Notice(ctx, "s", n.Reference)
		if got.Status != parley.NoticeDecided || got.Action != parley.ActionRemove || got.Basis != "§ 130 StGB" || got.DecidedBy != w.mod.ID || got.ReviewedBy != w.mod2.ID {
			t.Errorf("decided notice = %+v", got)
		}
		ms := w.mails()
		if len(ms) != 1 || ms[0].To != "eva@example.org" || !strings.Contains(ms[0].Text, "den Kommentar entfernt") || !strings.Contains(ms[0].Text, "§ 130 StGB") {
			t.Errorf("outcome mails = %+v", ms)
		}
		_, err = w.svc.DecideNotice(w.as(w.mod2), remove)
		wantKey(t, "deciding twice", err, parley.ECONFLICT, "noticeDecided")
		_, err = w.svc.ReviewNotice(w.as(w.mod2), "s", n.Reference)
		wantKey(t, "reviewing a decided notice", err, parley.ECONFLICT, "noticeDecided")

		// The comment is gone already: the second notice is decided
		// without a second rejection.
		out, err = w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: spare.Reference, Action: parley.ActionRemove,
			Ground: parley.GroundTerms, Basis: parley.ReasonHate})
		if err != nil || len(out.Entries) != 1 {
			t.Errorf("deciding on a removed comment = %+v, %v; want the notice decided alone", out, err)
		}
		_, err = w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: "N-2026-NOPE", Action: parley.ActionNone})
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an unknown notice: %v", err)
		}
		page, err = w.svc.Notices(w.as(w.mod), "s", parley.NoticeDecided, "")
		if err != nil || len(page.Items) != 2 || page.Next != "" {
			t.Errorf("decided page = %+v, %v", page, err)
		}
		_, err = w.svc.Notices(w.as(w.mod), "s", "", "garbage!")
		wantKey(t, "a bad cursor", err, parley.EINVALID, "badCursor")
		_, err = w.svc.Notices(w.as(w.reader), "s", "", "")
		wantKey(t, "a reader reading the queue", err, parley.EFORBIDDEN, "roleTooLow")
	})
}

// TestNoticesPage: the queue pages oldest first with a cursor.
func TestNoticesPage(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	var refs []string
	for range 53 {
		refs = append(refs, w.notice(t.Context(), service.NewNotice{Kind: parley.NoticeCSAM, Explanation: "x", GoodFaith: true}).Reference)
		w.advance(3 * 60 * 1e9) // past the limit per comment
	}
	first, err := w.svc.Notices(w.as(w.mod), "s", "", "")
	if err != nil || len(first.Items) != 50 || first.Next == "" || first.Items[0].Reference != refs[0] {
		t.Fatalf("first page: %d items, next %q, %v", len(first.Items), first.Next, err)
	}
	second, err := w.svc.Notices(w.as(w.mod), "s", "", first.Next)
	if err != nil || len(second.Items) != 3 || second.Next != "" || second.Items[2].Reference != refs[52] {
		t.Fatalf("second page: %+v, %v", second, err)
	}
}

// TestComplaint: the author contests a removal once; nobody else may; the
// moderator who decided may not review it; another one reverses it, which
// approves the comment again, audits both and mails the author.
func TestComplaint(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		ctx := t.Context()
		n := w.notice(ctx, hate())
		out, err := w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: n.Reference, Action: parley.ActionRemove,
			Ground: parley.GroundLaw, Basis: "§ 130 StGB"})
		if err != nil {
			t.Fatal(err)
		}
		w.mails()
		removal, decided := out.Entries[0], out.Entries[1]

		st := dsa.StatementOf(removal, n)
		if st.Decision != dsa.DecisionRemoved || st.NoticeRef != n.Reference {
			t.Errorf("statement = %+v", st)
		}

		_, err = w.svc.Complain(ctx, removal.ID, "Satire.", "")
		wantKey(t, "a guest complaining", err, parley.EUNAUTHORIZED, "authorRequired")
		_, err = w.svc.Complain(w.as(w.reader), removal.ID, "Satire.", "")
		wantKey(t, "another reader complaining", err, parley.EFORBIDDEN, "complaintNotYours")
		_, err = w.svc.Complain(w.as(w.author), decided.ID, "Satire.", "")
		wantKey(t, "the notifier's entry", err, parley.EFORBIDDEN, "complaintNotYours")
		_, err = w.svc.Complain(w.as(w.author), removal.ID, "  ", "")
		wantKey(t, "an empty explanation", err, parley.EINVALID, "complaintExplanation")
		_, err = w.svc.Complain(w.as(w.author), removal.ID+1000, "Satire.", "")
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an unknown entry: %v", err)
		}

		c, err := w.svc.Complain(w.as(w.author), removal.ID, "Das ist Satire, keine Hetze.", "de")
		if err != nil {
			t.Fatalf("Complain: %v", err)
		}
		if !strings.HasPrefix(c.Reference, "C-2026-") || c.NoticeRef != n.Reference || c.CommentID != w.comment.ID || c.Status != parley.ComplaintReceived {
			t.Errorf("complaint = %+v", c)
		}
		_, err = w.svc.Complain(w.as(w.author), removal.ID, "Noch einmal.", "de")
		wantKey(t, "a second complaint", err, parley.ECONFLICT, "complaintExists")

		page, err := w.svc.Complaints(w.as(w.mod2), "s", parley.ComplaintReceived, "")
		if err != nil || len(page.Items) != 1 {
			t.Errorf("complaints = %+v, %v", page, err)
		}
		reverse := service.ComplaintDecision{SiteID: "s", Reference: c.Reference, Outcome: parley.OutcomeReversed, Note: "Erkennbar Satire."}
		_, err = w.svc.DecideComplaint(w.as(w.mod), reverse)
		wantKey(t, "the deciding moderator reviewing", err, parley.EFORBIDDEN, "complaintSameModerator")
		_, err = w.svc.DecideComplaint(w.as(w.reader), reverse)
		wantKey(t, "a reader reviewing", err, parley.EFORBIDDEN, "roleTooLow")
		_, err = w.svc.DecideComplaint(w.as(w.mod2), service.ComplaintDecision{SiteID: "s", Reference: c.Reference, Outcome: "maybe"})
		wantKey(t, "a bad outcome", err, parley.EINVALID, "complaintOutcome")

		done, err := w.svc.DecideComplaint(w.as(w.mod2), reverse)
		if err != nil {
			t.Fatalf("DecideComplaint: %v", err)
		}
		if len(done.Entries) != 2 || done.Entries[0].Action != parley.AuditApproved || done.Entries[0].Ref != c.Reference ||
			done.Entries[1].Action != parley.AuditComplaintDecided || done.Entries[1].Reason != parley.OutcomeReversed {
			t.Errorf("entries = %+v", done.Entries)
		}
		if cm, _ := store.Comment(ctx, w.comment.ID); cm.Status != parley.StatusApproved {
			t.Errorf("comment %s after the reversal", cm.Status)
		}
		ms := w.mails()
		if len(ms) != 1 || ms[0].To != "alex@example.de" || !strings.Contains(ms[0].Text, "die Entscheidung aufgehoben") || !strings.Contains(ms[0].Text, "wieder sichtbar") {
			t.Errorf("outcome mails = %+v", ms)
		}
		_, err = w.svc.DecideComplaint(w.as(w.mod2), reverse)
		wantKey(t, "deciding twice", err, parley.ECONFLICT, "complaintDecided")
	})
}

// TestComplaintWindow: six months after a decision, its subject may no
// longer contest it in the product.
func TestComplaintWindow(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	ctx := t.Context()
	n := w.notice(ctx, hate())
	out, err := w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: n.Reference, Action: parley.ActionRestrict,
		Ground: parley.GroundTerms, Basis: parley.ReasonHate})
	if err != nil {
		t.Fatal(err)
	}
	if out.Entries[0].Action != parley.AuditHeld {
		t.Fatalf("a restriction audited as %s", out.Entries[0].Action)
	}
	if c, _ := w.store.Comment(ctx, w.comment.ID); c.Status != parley.StatusPending {
		t.Errorf("restricted comment is %s, want pending", c.Status)
	}
	w.advance(parley.ComplaintWindow)
	_, err = w.svc.Complain(w.as(w.author), out.Entries[0].ID, "Zu spät?", "")
	wantKey(t, "a complaint after six months", err, parley.EFORBIDDEN, "complaintLate")
}

// TestComplaintLiftsSanction: a banned reader may still contest the ban,
// and a reversal by another moderator lifts it, audited as reinstated.
func TestComplaintLiftsSanction(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	ctx := t.Context()
	ban, err := w.svc.Sanction(w.as(w.mod), service.Sanction{SiteID: "s", UserID: w.commenter.ID, Kind: service.SanctionBan,
		Reason: parley.ReasonHarassment, Message: "Wiederholte Belästigung."})
	if err != nil || ban == nil {
		t.Fatalf("Sanction: %v, %v", ban, err)
	}
	banned, _ := w.store.User(ctx, w.commenter.ID)
	st := dsa.StatementOf(ban, nil)
	if st.Decision != dsa.DecisionBanned || !strings.Contains(st.Text("de", w.now), "ausgeschlossen") {
		t.Errorf("statement of the ban = %+v", st)
	}
	c, err := w.svc.Complain(w.as(banned), ban.ID, "Das war keine Belästigung.", "de")
	if err != nil {
		t.Fatalf("a banned reader's complaint: %v", err)
	}
	if c.CommentID != "" || c.Action != parley.AuditBanned {
		t.Errorf("complaint = %+v", c)
	}
	done, err := w.svc.DecideComplaint(w.as(w.mod2), service.ComplaintDecision{SiteID: "s", Reference: c.Reference, Outcome: parley.OutcomeReversed})
	if err != nil {
		t.Fatalf("DecideComplaint: %v", err)
	}
	if len(done.Entries) != 2 || done.Entries[0].Action != parley.AuditReinstated || done.Entries[0].UserID != w.commenter.ID || done.Entries[0].Ref != c.Reference {
		t.Errorf("entries = %+v", done.Entries)
	}
	if u, _ := w.store.User(ctx, w.commenter.ID); u.Sanctions.Banned() {
		t.Errorf("still banned after the reversal: %+v", u.Sanctions)
	}
	if ms := w.mails(); len(ms) != 1 || !strings.Contains(ms[0].Text, "Einschränkung Ihrer Teilnahme ist aufgehoben") {
		t.Errorf("outcome mails = %+v", ms)
	}
}

// TestNotifierComplaint: a notifier who was signed in may contest the
// decision on their notice (Art. 20 names notifiers too); reversed, the
// notice is back in review for another decision. A guest's notice has no
// one to contest it in the product.
func TestNotifierComplaint(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	ctx := t.Context()
	in := hate()
	in.Name, in.Email = "", ""
	n := w.notice(w.as(w.reader), in)
	guest := w.notice(ctx, hate())
	out, err := w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: n.Reference, Action: parley.ActionNone})
	if err != nil {
		t.Fatal(err)
	}
	decided := out.Entries[0]
	if decided.Action != parley.AuditNoticeDecided || decided.UserID != w.reader.ID {
		t.Fatalf("notice.decided = %+v", decided)
	}
	_, err = w.svc.StatementFor(w.as(w.reader), decided.ID)
	wantKey(t, "a statement of a notice's decision", err, parley.EINVALID, "complaintNotDecision")
	c, err := w.svc.Complain(w.as(w.reader), decided.ID, "Der Kommentar ist eindeutig strafbar.", "de")
	if err != nil {
		t.Fatalf("the notifier's complaint: %v", err)
	}
	w.mails()
	if _, err := w.svc.DecideComplaint(w.as(w.mod2), service.ComplaintDecision{SiteID: "s", Reference: c.Reference, Outcome: parley.OutcomeReversed}); err != nil {
		t.Fatalf("DecideComplaint: %v", err)
	}
	if got, _ := w.store.Notice(ctx, "s", n.Reference); got.Status != parley.NoticeInReview || got.Action != "" || !got.DecidedAt.IsZero() {
		t.Errorf("reopened notice = %+v", got)
	}
	if ms := w.mails(); len(ms) != 1 || ms[0].To != w.reader.Email || !strings.Contains(ms[0].Text, "erneut geprüft") {
		t.Errorf("outcome mails = %+v", ms)
	}
	again, err := w.svc.DecideNotice(w.as(w.mod2), service.NoticeDecision{SiteID: "s", Reference: n.Reference, Action: parley.ActionRemove,
		Ground: parley.GroundLaw, Basis: "§ 130 StGB"})
	if err != nil || len(again.Entries) != 2 {
		t.Errorf("deciding the reopened notice = %+v, %v", again, err)
	}

	out, err = w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: guest.Reference, Action: parley.ActionNone})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Complain(w.as(w.reader), out.Entries[0].ID, "Ich war es nicht.", "")
	wantKey(t, "someone else contesting a guest's notice", err, parley.EFORBIDDEN, "complaintNotYours")
}
