package service_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"parley"
	"parley/internal/service"
)

// TestQueueItems: a page of a queue shows each comment with its story,
// parent, reports and author at a glance, and pages on with its cursor.
func TestQueueItems(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		top, author := d.post("s1", "Der Anfang", nil)
		reply, replier := d.post("s1", "Eine Antwort", top)
		d.hold(reply)
		for _, name := range []string{"A", "B", "C"} {
			_, reporter := d.post("s2", "Von "+name, nil)
			_, err := d.svc.Report(d.as(reporter), service.NewReport{CommentID: top.ID, Reason: parley.ReasonSpam, Note: "Werbung " + name})
			if err != nil {
				t.Fatal(err)
			}
		}
		page, err := d.svc.Queue(d.as(d.mod), service.QueueQuery{SiteID: "news", Status: parley.QueuePending})
		if err != nil || len(page.Items) != 1 || page.Next != "" {
			t.Fatalf("pending = %+v, %v; want one item and no next page", page, err)
		}
		it := page.Items[0]
		if it.Comment.ID != reply.ID || it.Parent == nil || it.Parent.ID != top.ID || it.Story == nil || it.Story.ID != "s1" {
			t.Errorf("item = %+v, want the reply with its parent and story", it)
		}
		if a := it.Author; a == nil || a.User.ID != replier.ID || a.Pending != 1 || a.Approved != 0 || a.Status != parley.StandingActive {
			t.Errorf("author summary = %+v", it.Author)
		}
		page, err = d.svc.Queue(d.as(d.mod), service.QueueQuery{SiteID: "news", Status: parley.QueueReported, StoryID: "s1"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("reported = %+v, %v", page, err)
		}
		it = page.Items[0]
		want := []service.ReportCount{{Reason: parley.ReasonSpam, N: 3, Notes: []string{"Werbung A", "Werbung B", "Werbung C"}}}
		if it.Comment.ID != top.ID || !slices.EqualFunc(it.Reports, want, func(a, b service.ReportCount) bool {
			return a.Reason == b.Reason && a.N == b.N && slices.Equal(a.Notes, b.Notes)
		}) || it.Author.User.ID != author.ID || it.Author.Reports != 3 || it.Parent != nil {
			t.Errorf("reported item = %+v, reports %+v", it, it.Reports)
		}
		// Pages: the five approved comments of the site, two at a time.
		var got []string
		q := service.QueueQuery{SiteID: "news", Status: parley.QueueApproved, Limit: 2}
		for range 5 {
			page, err := d.svc.Queue(d.as(d.mod), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				got = append(got, it.Comment.ID)
			}
			if q.Cursor = page.Next; q.Cursor == "" {
				break
			}
		}
		if len(got) != 4 || got[3] != top.ID || !slices.IsSortedFunc(got, func(a, b string) int { return -compare(a, b) }) {
			t.Errorf("approved pages = %v, want the 4 approved comments newest first", got)
		}
	})
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestQueueRefusals: queues are for the site's moderators and admins, and
// every filter is checked.
func TestQueueRefusals(t *testing.T) {
	d := newDesk(t, testStore(t))
	_, reader := d.post("s1", "Hallo", nil)
	for _, tt := range []struct {
		name      string
		ctx       func() any
		q         service.QueueQuery
		code, key string
	}{
		{"anonymous", nil, service.QueueQuery{Status: parley.QueuePending}, parley.EUNAUTHORIZED, "signInRequired"},
		{"a reader", func() any { return reader }, service.QueueQuery{Status: parley.QueuePending}, parley.EFORBIDDEN, "roleTooLow"},
		{"a queue that is none", func() any { return d.mod }, service.QueueQuery{Status: "spam"}, parley.EINVALID, "badQueue"},
		{"a forged cursor", func() any { return d.mod }, service.QueueQuery{Status: parley.QueuePending, Cursor: "'; DROP TABLE"}, parley.EINVALID, "cursorInvalid"},
		{"a page too long", func() any { return d.mod }, service.QueueQuery{Status: parley.QueuePending, Limit: 101}, parley.EINVALID, ""},
		{"an author that is no ID", func() any { return d.mod }, service.QueueQuery{Status: parley.QueuePending, AuthorID: "a%"}, parley.EINVALID, ""},
		{"a search with a NUL", func() any { return d.mod }, service.QueueQuery{Status: parley.QueuePending, Text: "a\x00"}, parley.EINVALID, "badText"},
	} {
		ctx := d.ctx
		if tt.ctx != nil {
			ctx = d.as(tt.ctx().(*parley.User))
		}
		tt.q.SiteID = "news"
		_, err := d.svc.Queue(ctx, tt.q)
		wantKey(t, tt.name, err, tt.code, tt.key)
	}
	// A moderator of another site is a stranger here.
	if err := d.svc.CreateSite(d.ctx, &parley.Site{ID: "other"}); err != nil {
		t.Fatal(err)
	}
	_, err := d.svc.Queue(d.as(d.mod), service.QueueQuery{SiteID: "other", Status: parley.QueuePending})
	wantKey(t, "a moderator of another site", err, parley.EFORBIDDEN, "otherSite")
	_, err = d.svc.QueueCounts(d.as(reader), "news", "")
	wantKey(t, "counts for a reader", err, parley.EFORBIDDEN, "roleTooLow")
}

// TestDecide: approve, reject, feature and unfeature change the comment,
// its counts and the queues, write one audit entry each in the same unit,
// publish the comment's event and a queue event, and do nothing twice.
func TestDecide(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		c, author := d.post("s1", "Bitte prüfen", nil)
		d.hold(c)
		d.took()
		entries := d.decide(d.mod, service.ActionApprove, "", c)
		if len(entries) != 1 {
			t.Fatalf("approve: %d entries, want 1", len(entries))
		}
		e := entries[0]
		if e.Action != parley.AuditApproved || e.Before != parley.StatusPending || e.After != parley.StatusApproved ||
			e.ActorID != d.mod.ID || e.UserID != author.ID || e.CommentID != c.ID || e.StoryID != "s1" || e.ID == 0 || e.Note != "n" {
			t.Errorf("approve entry = %+v", e)
		}
		if got := d.comment(c.ID); got.Status != parley.StatusApproved || got.Newcomer {
			t.Errorf("approved comment = %s, newcomer %v", got.Status, got.Newcomer)
		}
		if st, _ := d.store.Story(d.ctx, "news", "s1"); st.CommentCount != 1 {
			t.Errorf("CommentCount = %d, want 1", st.CommentCount)
		}
		wantEvents(t, d.took(), parley.EventCommentCreated, parley.EventQueueChanged)
		if again := d.decide(d.mod, service.ActionApprove, "", c); len(again) != 0 {
			t.Errorf("approving twice wrote %d entries", len(again))
		}
		if evs := d.took(); len(evs) != 0 {
			t.Errorf("approving twice published %v", evs)
		}

		if got := d.decide(d.mod, service.ActionFeature, "", c); len(got) != 1 || got[0].Action != parley.AuditFeatured || !d.comment(c.ID).Featured {
			t.Errorf("feature: %+v", got)
		}
		if got := d.decide(d.mod, service.ActionFeature, "", c); len(got) != 0 {
			t.Errorf("featuring twice wrote %d entries", len(got))
		}
		if ids := d.queue(service.QueueQuery{Status: parley.QueueFeatured}); !slices.Equal(ids, []string{c.ID}) {
			t.Errorf("featured queue = %v", ids)
		}

		// Rejecting takes the comment out of the thread and out of the
		// featured ones.
		got := d.decide(d.mod, service.ActionReject, parley.ReasonHate, c)
		if len(got) != 1 || got[0].Reason != parley.ReasonHate || got[0].Before != parley.StatusApproved || got[0].After != parley.StatusRejected {
			t.Fatalf("reject: %+v", got)
		}
		if c := d.comment(c.ID); c.Status != parley.StatusRejected || c.Featured {
			t.Errorf("rejected comment: %s, featured %v", c.Status, c.Featured)
		}
		if st, _ := d.store.Story(d.ctx, "news", "s1"); st.CommentCount != 0 {
			t.Errorf("CommentCount after rejection = %d, want 0", st.CommentCount)
		}
		wantEvents(t, d.took(), parley.EventQueueChanged, parley.EventCommentDeleted, parley.EventQueueChanged)
		_, err := d.svc.Decide(d.as(d.mod), service.Decision{SiteID: "news", CommentIDs: []string{c.ID}, Action: service.ActionFeature})
		wantKey(t, "featuring a rejected comment", err, parley.ECONFLICT, "featureApproved")

		// The log has every entry, newest first.
		log, err := d.svc.Audit(d.as(d.mod), parley.AuditQuery{SiteID: "news", CommentID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		if want := []string{parley.AuditRejected, parley.AuditFeatured, parley.AuditApproved}; !slices.Equal(actions, want) {
			t.Errorf("audit = %v, want %v", actions, want)
		}
	})
}

// wantEvents fails unless evs has exactly the types want, in any order.
func wantEvents(t *testing.T, evs []parley.Event, want ...string) {
	t.Helper()
	var got []string
	for _, ev := range evs {
		if ev.SiteID != "news" {
			t.Errorf("event %+v of another site", ev)
		}
		got = append(got, ev.Type)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

// TestDecideRefusals: what a decision refuses, and that a refused bulk
// decision changes nothing at all.
func TestDecideRefusals(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		a, reader := d.post("s1", "Eins", nil)
		b, _ := d.post("s1", "Zwei", nil)
		d.hold(a)
		d.hold(b)
		if err := d.svc.CreateSite(d.ctx, &parley.Site{ID: "other", AllowAnonymous: true}); err != nil {
			t.Fatal(err)
		}
		foreign, err := d.svc.Post(d.ctx, service.NewComment{SiteID: "other", StoryID: "x", Body: "Fremd", AuthorName: "F"})
		if err != nil {
			t.Fatal(err)
		}
		many := make([]string, service.MaxBulk+1)
		for i := range many {
			many[i] = a.ID
		}
		decide := func(u *parley.User, dec service.Decision) error {
			dec.SiteID = "news"
			ctx := d.ctx
			if u != nil {
				ctx = d.as(u)
			}
			_, err := d.svc.Decide(ctx, dec)
			return err
		}
		ids := []string{a.ID}
		for _, tt := range []struct {
			name      string
			by        *parley.User
			dec       service.Decision
			code, key string
		}{
			{"anonymous", nil, service.Decision{CommentIDs: ids, Action: service.ActionApprove}, parley.EUNAUTHORIZED, "signInRequired"},
			{"a reader", reader, service.Decision{CommentIDs: ids, Action: service.ActionApprove}, parley.EFORBIDDEN, "roleTooLow"},
			{"no action", d.mod, service.Decision{CommentIDs: ids, Action: "delete"}, parley.EINVALID, "badAction"},
			{"no comments", d.mod, service.Decision{Action: service.ActionApprove}, parley.EINVALID, "bulkSize"},
			{"too many", d.mod, service.Decision{CommentIDs: many, Action: service.ActionApprove}, parley.EINVALID, "bulkSize"},
			{"reject without reason", d.mod, service.Decision{CommentIDs: ids, Action: service.ActionReject}, parley.EINVALID, "rejectReason"},
			{"reject for a report reason that is none", d.mod, service.Decision{CommentIDs: ids, Action: service.ActionReject, Reason: "ugly"}, parley.EINVALID, "rejectReason"},
			{"other without a note", d.mod, service.Decision{CommentIDs: ids, Action: service.ActionReject, Reason: parley.ReasonOther}, parley.EINVALID, "noteRequired"},
			{"approve with a reason", d.mod, service.Decision{CommentIDs: ids, Action: service.ActionApprove, Reason: parley.ReasonSpam}, parley.EINVALID, "rejectReason"},
			{"a malformed ID", d.mod, service.Decision{CommentIDs: []string{"x' OR 1=1"}, Action: service.ActionApprove}, parley.ENOTFOUND, ""},
			{"a comment of another site in a bulk", d.mod, service.Decision{CommentIDs: []string{a.ID, foreign.Comment.ID, b.ID}, Action: service.ActionReject, Reason: parley.ReasonSpam}, parley.ENOTFOUND, ""},
		} {
			wantKey(t, tt.name, decide(tt.by, tt.dec), tt.code, tt.key)
		}
		for _, c := range []*parley.Comment{a, b} {
			if got := d.comment(c.ID); got.Status != parley.StatusPending {
				t.Errorf("after refused decisions, %s is %s", c.ID, got.Status)
			}
		}
		if got := d.comment(foreign.Comment.ID); got.Status != parley.StatusApproved {
			t.Errorf("another site's comment is %s", got.Status)
		}
		log, err := d.svc.Audit(d.as(d.mod), parley.AuditQuery{SiteID: "news"})
		if err != nil || len(log) != 0 {
			t.Errorf("refused decisions left %d entries (%v)", len(log), err)
		}
		// A deleted comment cannot be decided on.
		if err := d.svc.Delete(d.as(reader), a.ID); err != nil {
			t.Fatal(err)
		}
		wantKey(t, "a deleted comment", decide(d.mod, service.Decision{CommentIDs: ids, Action: service.ActionApprove}), parley.ECONFLICT, "commentDeleted")
	})
}

// TestBulk decides many comments in one unit: those already so get no
// entry.
func TestBulk(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		var cs []*parley.Comment
		for i := range 5 {
			c, _ := d.post("s1", fmt.Sprintf("Kommentar %d", i), nil)
			d.hold(c)
			cs = append(cs, c)
		}
		d.decide(d.mod, service.ActionReject, parley.ReasonSpam, cs[0])
		entries := d.decide(d.mod2, service.ActionReject, parley.ReasonSpam, append(cs, cs[1])...)
		if len(entries) != 4 {
			t.Fatalf("bulk reject wrote %d entries, want 4 (one comment was rejected already, one named twice)", len(entries))
		}
		if ids := d.queue(service.QueueQuery{Status: parley.QueuePending}); len(ids) != 0 {
			t.Errorf("pending after the bulk = %v", ids)
		}
		if ids := d.queue(service.QueueQuery{Status: parley.QueueRejected, StoryID: "s1"}); len(ids) != 5 {
			t.Errorf("rejected after the bulk = %v", ids)
		}
		counts, err := d.svc.QueueCounts(d.as(d.mod), "news", "s1")
		if err != nil || counts[parley.QueueRejected] != 5 || counts[parley.QueuePending] != 0 {
			t.Errorf("counts = %v, %v", counts, err)
		}
	})
}

// TestReportedAndNew: approving a reported comment, or one by a new
// commenter, takes it out of that queue: the decision is recorded although
// the status stays, and a second approval records nothing.
func TestReportedAndNew(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		c, _ := d.post("s1", "Umstritten", nil)
		if ids := d.queue(service.QueueQuery{Status: parley.QueueNew}); !slices.Equal(ids, []string{c.ID}) {
			t.Errorf("new = %v, want the first comment of a new reader", ids)
		}
		_, reporter := d.post("s2", "Ich melde", nil)
		d.took()
		if _, err := d.svc.Report(d.as(reporter), service.NewReport{CommentID: c.ID, Reason: parley.ReasonAbuse}); err != nil {
			t.Fatal(err)
		}
		wantEvents(t, d.took(), parley.EventQueueChanged)
		if ids := d.queue(service.QueueQuery{Status: parley.QueueReported}); !slices.Equal(ids, []string{c.ID}) {
			t.Errorf("reported = %v", ids)
		}
		entries := d.decide(d.mod, service.ActionApprove, "", c)
		if len(entries) != 1 || entries[0].Before != parley.StatusApproved || entries[0].After != parley.StatusApproved {
			t.Fatalf("approving a reported comment: %+v", entries)
		}
		for _, queue := range []string{parley.QueueReported, parley.QueueNew} {
			if ids := d.queue(service.QueueQuery{Status: queue, StoryID: "s1"}); len(ids) != 0 {
				t.Errorf("%s after approval = %v", queue, ids)
			}
		}
		if again := d.decide(d.mod, service.ActionApprove, "", c); len(again) != 0 {
			t.Errorf("a second approval wrote %d entries", len(again))
		}
		_, err := d.svc.Undo(d.as(d.mod), "news", entries[0].ID)
		wantKey(t, "undoing an approval that changed no status", err, parley.ECONFLICT, "undoNothing")
	})
}

// TestUndo reverses one's own decision, once, and audits the undoing.
func TestUndo(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		c, author := d.post("s1", "Hin und her", nil)
		d.hold(c)
		e := d.decide(d.mod, service.ActionApprove, "", c)[0]
		_, err := d.svc.Undo(d.as(d.mod2), "news", e.ID)
		wantKey(t, "another moderator's decision", err, parley.EFORBIDDEN, "undoOthers")
		undone, err := d.svc.Undo(d.as(d.mod), "news", e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if undone.Action != parley.AuditHeld || undone.Before != parley.StatusApproved || undone.After != parley.StatusPending ||
			undone.Ref != strconv.FormatInt(e.ID, 10) || undone.ActorID != d.mod.ID || undone.UserID != author.ID {
			t.Errorf("undo entry = %+v", undone)
		}
		if got := d.comment(c.ID); got.Status != parley.StatusPending {
			t.Errorf("after undo the comment is %s", got.Status)
		}
		_, err = d.svc.Undo(d.as(d.mod), "news", e.ID)
		wantKey(t, "undoing twice", err, parley.ECONFLICT, "undoStale")

		// An admin may undo anyone's decision; a feature is taken back.
		d.decide(d.mod, service.ActionApprove, "", c)
		f := d.decide(d.mod, service.ActionFeature, "", c)[0]
		if _, err := d.svc.Undo(d.as(d.admin), "news", f.ID); err != nil {
			t.Fatal(err)
		}
		if d.comment(c.ID).Featured {
			t.Error("undoing a feature left the comment featured")
		}
		_, err = d.svc.Undo(d.as(d.mod), "news", 999999)
		wantKey(t, "an unknown entry", err, parley.ENOTFOUND, "")
		note, err := d.svc.AddNote(d.as(d.mod), "news", author.ID, "Schreibt oft am Thema vorbei.")
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.svc.Undo(d.as(d.mod), "news", note.ID)
		wantKey(t, "a note", err, parley.EINVALID, "undoAction")
	})
}

// TestStoryOpen closes a story, which then refuses comments, and reopens it.
func TestStoryOpen(t *testing.T) {
	onBoth(t, func(t *testing.T, d *desk) {
		_, reader := d.post("s1", "Noch offen", nil)
		e, err := d.svc.SetStoryOpen(d.as(d.mod), "news", "s1", false)
		if err != nil || e == nil || e.Action != parley.AuditStoryClosed || e.Before != parley.StoryOpen || e.After != parley.StoryClosed {
			t.Fatalf("close = %+v, %v", e, err)
		}
		_, err = d.postAs(reader, "s1", "Zu spät")
		wantKey(t, "posting on a closed story", err, parley.EFORBIDDEN, "closed")
		if again, err := d.svc.SetStoryOpen(d.as(d.mod), "news", "s1", false); err != nil || again != nil {
			t.Errorf("closing twice = %+v, %v; want no entry", again, err)
		}
		// A story nobody has commented on can be closed in advance.
		if e, err := d.svc.SetStoryOpen(d.as(d.mod), "news", "future", false); err != nil || e == nil {
			t.Errorf("closing a new story = %+v, %v", e, err)
		}
		if e, err := d.svc.SetStoryOpen(d.as(d.mod), "news", "s1", true); err != nil || e.Action != parley.AuditStoryReopened {
			t.Fatalf("reopen = %+v, %v", e, err)
		}
		if _, err := d.postAs(reader, "s1", "Wieder offen"); err != nil {
			t.Errorf("posting after reopening: %v", err)
		}
		_, err = d.svc.SetStoryOpen(d.as(reader), "news", "s1", false)
		wantKey(t, "a reader closing", err, parley.EFORBIDDEN, "roleTooLow")
		_, err = d.svc.SetStoryOpen(d.as(d.mod), "news", "bad id!", false)
		wantKey(t, "a bad story ID", err, parley.EINVALID, "")
	})
}
