package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/service"
)

// TestSanctions: a ban or a suspension bars a reader from posting,
// reacting and reporting until it is lifted or ends; a warning bars
// nothing. Each is audited with its reason and the message the reader is
// shown.
func TestSanctions(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		theirs, _ := d.post("s1", "Ein Beitrag", nil)
		mine, reader := d.post("s1", "Mein Beitrag", nil)
		sanction := func(kind string, dur time.Duration) *parley.AuditEntry {
			t.Helper()
			e, err := d.svc.Sanction(d.as(d.mod), service.Sanction{SiteID: "news", UserID: reader.ID, Kind: kind, Duration: dur,
				Reason: parley.ReasonHarassment, Message: "Bitte bleiben Sie sachlich."})
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			return e
		}
		// barred returns the errors of a post, a reaction and a report.
		tries := 0
		barred := func() []error {
			ctx := d.as(reader)
			tries++
			_, post := d.svc.Post(ctx, service.NewComment{SiteID: "news", StoryID: "s1", Body: fmt.Sprintf("Versuch %d", tries)})
			_, react := d.svc.React(ctx, theirs.ID)
			_, report := d.svc.Report(ctx, service.NewReport{CommentID: theirs.ID, Reason: parley.ReasonSpam})
			return []error{post, react, report}
		}
		e := sanction(service.SanctionWarn, 0)
		if e.Action != parley.AuditWarned || e.Before != parley.StandingActive || e.After != parley.StandingWarned ||
			e.Note != "Bitte bleiben Sie sachlich." || e.Reason != parley.ReasonHarassment || e.UserID != reader.ID {
			t.Errorf("warn entry = %+v", e)
		}
		if errs := barred(); errs[0] != nil || errs[1] != nil {
			t.Errorf("a warned reader was refused: %v", errs)
		}
		e = sanction(service.SanctionSuspend, 48*time.Hour)
		if e.Action != parley.AuditSuspended || !strings.HasPrefix(e.After, "suspended until ") {
			t.Errorf("suspend entry = %+v", e)
		}
		for _, err := range barred() {
			wantKey(t, "a suspended reader", err, parley.EFORBIDDEN, "suspended")
			if until := parley.SuspendedUntil(err); until.Before(parley.Now().Add(47*time.Hour)) || until.After(parley.Now().Add(49*time.Hour)) {
				t.Errorf("suspended until %v, want in 48 hours", until)
			}
		}
		// Editing would write anew; deleting one's own stays allowed.
		_, err := d.svc.Edit(d.as(reader), mine.ID, "Korrigiert")
		wantKey(t, "a suspended reader editing", err, parley.EFORBIDDEN, "suspended")
		e = sanction(service.SanctionBan, 0)
		if e.Action != parley.AuditBanned || e.After != parley.StandingBanned {
			t.Errorf("ban entry = %+v", e)
		}
		for _, err := range barred() {
			wantKey(t, "a banned reader", err, parley.EFORBIDDEN, "banned")
		}
		if again := sanction(service.SanctionBan, 0); again != nil {
			t.Errorf("banning twice wrote %+v", again)
		}
		page, err := d.svc.Queue(d.as(d.mod), service.QueueQuery{SiteID: "news", Status: parley.QueueApproved, AuthorID: reader.ID})
		if err != nil || len(page.Items) == 0 || page.Items[0].Author.Status != parley.StandingBanned {
			t.Errorf("the banned author's summary: %+v, %v", page, err)
		}
		e = sanction(service.SanctionReinstate, 0)
		if e.Action != parley.AuditReinstated || e.Before != parley.StandingBanned || e.After != parley.StandingActive {
			t.Errorf("reinstate entry = %+v", e)
		}
		for _, err := range barred() {
			if err != nil && parley.ErrorKey(err) != "alreadyReported" {
				t.Errorf("a reinstated reader was refused: %v", err)
			}
		}
		if again := sanction(service.SanctionReinstate, 0); again != nil {
			t.Errorf("reinstating someone in good standing wrote %+v", again)
		}
		log, err := d.svc.Audit(d.as(d.mod), parley.AuditQuery{SiteID: "news", UserID: reader.ID, Action: parley.AuditBanned})
		if err != nil || len(log) != 1 {
			t.Errorf("audit of bans = %v, %v", log, err)
		}
	})
}

// TestSanctionRefusals: nobody sanctions themselves or someone of their
// own rank or above, and every field is checked.
func TestSanctionRefusals(t *testing.T) {
	d := newDesk(t, testStore(t))
	_, reader := d.post("s1", "Hallo", nil)
	if err := d.svc.CreateSite(d.ctx, &parley.Site{ID: "other", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	p, err := d.svc.Post(d.ctx, service.NewComment{SiteID: "other", StoryID: "x", Body: "Fremd", AuthorName: "F"})
	if err != nil {
		t.Fatal(err)
	}
	ok := service.Sanction{SiteID: "news", Kind: service.SanctionBan, Reason: parley.ReasonSpam}
	with := func(change func(*service.Sanction)) service.Sanction {
		sn := ok
		change(&sn)
		return sn
	}
	for _, tt := range []struct {
		name      string
		by        *parley.User
		sn        service.Sanction
		code, key string
	}{
		{"oneself", d.mod, with(func(s *service.Sanction) { s.UserID = d.mod.ID }), parley.EFORBIDDEN, "sanctionSelf"},
		{"an admin", d.mod, with(func(s *service.Sanction) { s.UserID = d.admin.ID }), parley.EFORBIDDEN, "sanctionRole"},
		{"another moderator", d.mod, with(func(s *service.Sanction) { s.UserID = d.mod2.ID }), parley.EFORBIDDEN, "sanctionRole"},
		{"by a reader", reader, with(func(s *service.Sanction) { s.UserID = d.mod.ID }), parley.EFORBIDDEN, "roleTooLow"},
		{"a user of another site", d.mod, with(func(s *service.Sanction) { s.UserID = p.Comment.AuthorID }), parley.ENOTFOUND, ""},
		{"an unknown user", d.mod, with(func(s *service.Sanction) { s.UserID = "nobody" }), parley.ENOTFOUND, ""},
		{"no kind", d.mod, with(func(s *service.Sanction) { s.UserID, s.Kind = reader.ID, "mute" }), parley.EINVALID, "badSanction"},
		{"no reason", d.mod, with(func(s *service.Sanction) { s.UserID, s.Reason = reader.ID, "" }), parley.EINVALID, "rejectReason"},
		{"other without a message", d.mod, with(func(s *service.Sanction) { s.UserID, s.Reason = reader.ID, parley.ReasonOther }), parley.EINVALID, "noteRequired"},
		{"a suspension of a minute", d.mod, with(func(s *service.Sanction) {
			s.UserID, s.Kind, s.Duration = reader.ID, service.SanctionSuspend, time.Minute
		}), parley.EINVALID, "suspensionLength"},
		{"a suspension of two years", d.mod, with(func(s *service.Sanction) {
			s.UserID, s.Kind, s.Duration = reader.ID, service.SanctionSuspend, 2*365*24*time.Hour
		}), parley.EINVALID, "suspensionLength"},
		{"a ban with a duration", d.mod, with(func(s *service.Sanction) { s.UserID, s.Duration = reader.ID, time.Hour }), parley.EINVALID, "suspensionLength"},
		{"a message too long", d.mod, with(func(s *service.Sanction) { s.UserID, s.Message = reader.ID, strings.Repeat("x", 2001) }), parley.EINVALID, "noteTooLong"},
	} {
		_, err := d.svc.Sanction(d.as(tt.by), tt.sn)
		wantKey(t, tt.name, err, tt.code, tt.key)
	}
	// An admin may sanction a moderator.
	if _, err := d.svc.Sanction(d.as(d.admin), with(func(s *service.Sanction) { s.UserID = d.mod2.ID })); err != nil {
		t.Errorf("an admin banning a moderator: %v", err)
	}
}

// TestNotesAndHistory: moderators' notes on a user, counted in their
// summary, and a user's history across statuses and stories.
func TestNotesAndHistory(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		first, reader := d.post("s1", "Erster", nil)
		second, err := d.postAs(reader, "s2", "Zweiter")
		if err != nil {
			t.Fatal(err)
		}
		d.decide(d.mod, service.ActionReject, parley.ReasonOffTopic, first)
		for _, text := range []string{"Schreibt oft am Thema vorbei.", "Zweite Verwarnung per Mail."} {
			if _, err := d.svc.AddNote(d.as(d.mod), "news", reader.ID, text); err != nil {
				t.Fatal(err)
			}
		}
		notes, err := d.svc.Notes(d.as(d.mod2), "news", reader.ID)
		if err != nil || len(notes) != 2 || notes[0].Note != "Zweite Verwarnung per Mail." || notes[0].ActorID != d.mod.ID {
			t.Errorf("Notes = %+v, %v", notes, err)
		}
		_, err = d.svc.AddNote(d.as(d.mod), "news", reader.ID, "  ")
		wantKey(t, "an empty note", err, parley.EINVALID, "noteRequired")
		_, err = d.svc.Notes(d.as(reader), "news", reader.ID)
		wantKey(t, "a reader reading notes", err, parley.EFORBIDDEN, "roleTooLow")

		page, err := d.svc.History(d.as(d.mod), "news", reader.ID, "")
		if err != nil || len(page.Items) != 2 || page.Items[0].Comment.ID != second.ID || page.Items[1].Comment.ID != first.ID {
			t.Fatalf("History = %+v, %v", page, err)
		}
		a := page.Items[0].Author
		if a.Notes != 2 || a.Approved != 1 || a.Rejected != 1 {
			t.Errorf("summary = %+v, want 2 notes, 1 approved, 1 rejected", a)
		}
		_, err = d.svc.History(d.as(d.mod), "news", "nobody", "")
		wantKey(t, "the history of nobody", err, parley.ENOTFOUND, "")
		_, err = d.svc.History(d.as(d.mod), "news", reader.ID, "not-a-cursor")
		wantKey(t, "a forged cursor", err, parley.EINVALID, "cursorInvalid")
	})
}

// TestAuditCSV exports every page of the log with a header, and defuses
// cells that a spreadsheet would run as formulas.
func TestAuditCSV(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		_, reader := d.post("s1", "Hallo", nil)
		for _, note := range []string{`=HYPERLINK("http://evil.example","klick")`, "+1", "-2", "@SUM(A1)", "harmlos"} {
			if _, err := d.svc.AddNote(d.as(d.mod), "news", reader.ID, note); err != nil {
				t.Fatal(err)
			}
		}
		// More than one page of the store's: 1,000 entries more, written at once.
		err := d.store.Update(d.ctx, func(tx parley.Tx) error {
			for i := range parley.MaxAuditPage {
				e := &parley.AuditEntry{SiteID: "news", Action: parley.AuditHeld, CommentID: fmt.Sprint(i), Automated: true, CreatedAt: parley.Now()}
				if err := tx.AppendAudit(context.Background(), e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := d.svc.WriteAuditCSV(d.as(d.mod), &buf, parley.AuditQuery{SiteID: "news"}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+parley.MaxAuditPage+5 || rows[0][0] != "id" || rows[0][9] != "note" {
			t.Fatalf("%d rows, header %v", len(rows), rows[0])
		}
		var notes []string
		for _, r := range rows[1:] {
			if r[2] == parley.AuditNoted {
				notes = append(notes, r[9])
			}
		}
		want := []string{"harmlos", "'@SUM(A1)", "'-2", "'+1", `'=HYPERLINK("http://evil.example","klick")`}
		if !slices.Equal(notes, want) {
			t.Errorf("notes in the CSV = %q, want %q", notes, want)
		}
		buf.Reset()
		err = d.svc.WriteAuditCSV(d.as(reader), &buf, parley.AuditQuery{SiteID: "news"})
		wantKey(t, "a reader exporting", err, parley.EFORBIDDEN, "roleTooLow")
		if buf.Len() != 0 {
			t.Errorf("a refused export wrote %q", buf.String())
		}
	})
}
