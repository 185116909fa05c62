package service_test

import (
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/dsa"
	"parley/internal/follow"
	"parley/internal/service"
)

// TestInboxDecisions follows a notice from its filing to the two inboxes
// it ends in: the author of the removed comment gets the removal with its
// statement of reasons (the law's ground, the notice, a way to contest it
// until six months later), the signed-in notifier the outcome. Reading is
// one's own only, and marking read counts down.
func TestInboxDecisions(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		d := &follow.Deriver{}
		f := follow.New(store, follow.Options{Logger: quietLog()}, follow.EventLog(store, d), follow.AuditLog(store, d))
		n := w.notice(w.as(w.reader), hate())
		if _, err := w.svc.DecideNotice(w.as(w.mod), service.NoticeDecision{SiteID: "s", Reference: n.Reference,
			Action: parley.ActionRemove, Ground: parley.GroundLaw, Basis: "§ 130 StGB", Note: "Ruft zu Hass auf."}); err != nil {
			t.Fatal(err)
		}
		if err := f.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}

		page, err := w.svc.Inbox(w.as(w.author), "s", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 1 || page.Unread != 1 {
			t.Fatalf("the author's inbox = %+v, want the removal, unread", page)
		}
		e := page.Entries[0]
		if e.Item.Kind != parley.InboxRejected || e.Comment == nil || e.Comment.ID != w.comment.ID || e.Story == nil {
			t.Errorf("the author's item = %+v, want the rejection of their comment on its story", e.Item)
		}
		st := e.Statement
		if st == nil || st.Decision != dsa.DecisionRemoved || st.Ground != parley.GroundLaw || st.Provision != "§ 130 StGB" || st.NoticeRef != n.Reference || !e.Contestable {
			t.Fatalf("statement = %+v, contestable %v; want the removal on § 130 StGB after the notice, contestable", st, e.Contestable)
		}
		if text := st.Text("de", w.now); !strings.Contains(text, "§ 130 StGB") {
			t.Errorf("the statement in German does not name the provision:\n%s", text)
		}

		page, err = w.svc.Inbox(w.as(w.reader), "s", "", 0)
		if err != nil || len(page.Entries) != 1 || page.Entries[0].Item.Kind != parley.InboxNotice || page.Entries[0].Statement != nil {
			t.Errorf("the notifier's inbox = %+v, %v; want the outcome of the notice, without the author's statement", page, err)
		}
		if page, _ := w.svc.Inbox(w.as(w.mod), "s", "", 0); len(page.Entries) != 0 {
			t.Errorf("the moderator's inbox holds %d items, want none", len(page.Entries))
		}
		_, err = w.svc.Inbox(t.Context(), "s", "", 0)
		wantKey(t, "an inbox without an identity", err, parley.EUNAUTHORIZED, "identityRequired")
		_, err = w.svc.Inbox(w.as(w.author), "s", "not-a-cursor", 0)
		wantKey(t, "a bad cursor", err, parley.EINVALID, "badCursor")

		unread, err := w.svc.MarkInboxRead(w.as(w.reader), "s", []string{e.Item.ID}, false)
		if err != nil || unread != 1 {
			t.Errorf("marking the author's item read as the notifier = %d, %v; want 1 unread still (not theirs)", unread, err)
		}
		_, err = w.svc.MarkInboxRead(w.as(w.author), "s", nil, false)
		wantKey(t, "marking nothing read", err, parley.EINVALID, "badRequest")
		if unread, err := w.svc.MarkInboxRead(w.as(w.author), "s", nil, true); err != nil || unread != 0 {
			t.Errorf("MarkInboxRead(all) = %d, %v; want 0", unread, err)
		}

		w.advance(200 * 24 * time.Hour)
		page, _ = w.svc.Inbox(w.as(w.author), "s", "", 0)
		if page.Entries[0].Contestable {
			t.Errorf("the decision is still contestable after the six months")
		}
	})
}

// TestInboxSanction: a moderator's suspension (service.Sanction) reaches
// the reader's inbox with its message, its end and its statement of
// reasons, and a suspended reader still reads it.
func TestInboxSanction(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		d := &follow.Deriver{}
		f := follow.New(store, follow.Options{Logger: quietLog()}, follow.EventLog(store, d), follow.AuditLog(store, d))
		if _, err := w.svc.Sanction(w.as(w.mod), service.Sanction{SiteID: "s", UserID: w.reader.ID, Kind: "suspend",
			Duration: 48 * time.Hour, Reason: parley.ReasonHarassment, Message: "Bitte bleiben Sie sachlich."}); err != nil {
			t.Fatal(err)
		}
		if err := f.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		suspended, err := store.User(t.Context(), w.reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		page, err := w.svc.Inbox(w.as(suspended), "s", "", 0)
		if err != nil || len(page.Entries) != 1 {
			t.Fatalf("the suspended reader's inbox = %+v, %v; want the suspension", page, err)
		}
		it := page.Entries[0].Item
		if it.Kind != parley.InboxSuspended || it.Note != "Bitte bleiben Sie sachlich." || !it.Until.Equal(suspended.Sanctions.SuspendedUntil.UTC().Truncate(time.Second)) {
			t.Errorf("item = %+v, want the suspension until %s with its message", it, suspended.Sanctions.SuspendedUntil)
		}
		if st := page.Entries[0].Statement; st == nil || st.Decision != dsa.DecisionSuspended {
			t.Errorf("statement = %+v, want the suspension's", st)
		}
	})
}

// TestWebhookAdmin: only the site's admins (and the operator) manage
// webhooks; URLs and events are checked; a rotation keeps the old secret
// until it is finished.
func TestWebhookAdmin(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		admin := w.user("Ada", parley.RoleAdmin)
		events := []string{parley.HookCommentRejected, parley.HookCommentCreated, parley.HookCommentCreated}
		_, err := w.svc.AddWebhook(w.as(w.mod), "s", "https://hooks.example/p", events)
		wantKey(t, "a moderator adding a webhook", err, parley.EFORBIDDEN, "roleTooLow")
		_, err = w.svc.AddWebhook(t.Context(), "s", "https://hooks.example/p", events)
		wantKey(t, "a guest adding a webhook", err, parley.EUNAUTHORIZED, "signInRequired")
		for _, bad := range []string{"http://hooks.example/p", "https://10.0.0.1/p", "https://localhost/p", "https://u:p@hooks.example/"} {
			_, err = w.svc.AddWebhook(w.as(admin), "s", bad, events)
			wantKey(t, "the URL "+bad, err, parley.EINVALID, "webhookURL")
		}
		_, err = w.svc.AddWebhook(w.as(admin), "s", "https://hooks.example/p", []string{"comment.liked"})
		wantKey(t, "an unknown event", err, parley.EINVALID, "webhookEvents")

		hook, err := w.svc.AddWebhook(w.as(admin), "s", "https://hooks.example/p", events)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(hook.Events, ",") != "comment.created,comment.rejected" || len(hook.Secrets) != 1 || !strings.HasPrefix(hook.Secrets[0].Value, "whsec_") {
			t.Errorf("webhook = %+v, want its events once, in order, and one secret", hook)
		}
		rotated, err := w.svc.RotateWebhook(service.WithOperator(t.Context()), "s", hook.ID, false)
		if err != nil || len(rotated.Secrets) != 2 || rotated.Secrets[0].Value != hook.Secrets[0].Value {
			t.Fatalf("RotateWebhook = %+v, %v; want the old secret and a new one", rotated, err)
		}
		done, err := w.svc.RotateWebhook(w.as(admin), "s", hook.ID, true)
		if err != nil || len(done.Secrets) != 1 || done.Secrets[0].Value != rotated.Secrets[1].Value {
			t.Errorf("RotateWebhook(finish) = %+v, %v; want only the new secret", done, err)
		}
		_, err = w.svc.Webhooks(w.as(admin), "other")
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the webhooks of an unknown site = %v, want ENOTFOUND", err)
		}
		if err := w.svc.RemoveWebhook(w.as(admin), "s", hook.ID); err != nil {
			t.Fatal(err)
		}
		err = w.svc.RemoveWebhook(w.as(admin), "s", hook.ID)
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("removing it again = %v, want ENOTFOUND", err)
		}
	})
}
