package notify_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/follow"
	"parley/internal/service"
)

// TestDecisionMails follows moderators' decisions from the audit log
// through the follower's inbox items to the mail box: one mail for a
// reader's decisions within the window, in their language, with the
// statement of reasons and the moderators' message, a link to the
// discussion only on the site's configured origin, none for a reader who
// opted in to replies only, and a one-click link that turns off decisions
// and leaves replies on.
func TestDecisionMails(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		site, err := store.Site(t.Context(), "news")
		if err != nil {
			t.Fatal(err)
		}
		site.Origins = []string{"https://news.example"}
		if err := store.UpdateSite(t.Context(), site); err != nil {
			t.Fatal(err)
		}
		d := &follow.Deriver{}
		f := follow.New(store, follow.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
			follow.EventLog(store, d), follow.AuditLog(store, d))
		w.user("Ada", "ada@example.org")
		w.user("Carl", "carl@example.org")
		w.user("Mod", "mod@news.example")
		for name, c := range map[string]service.NotificationChoice{
			"Ada":  {Replies: new(true), Decisions: new(true), Lang: "de"},
			"Carl": {Replies: new(true), Lang: "en"},
		} {
			if _, err := w.svc.SetNotifications(w.as(name), "news", c); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.RunOnce(t.Context()); err != nil { // the event log is followed from now on
			t.Fatal(err)
		}
		w.post("a1", "Ada", "s1", "", "Kauft billige Uhren!")
		w.post("c1", "Carl", "s1", "", "Also spam.")
		mod := parley.WithActor(t.Context(), &parley.Actor{User: w.users["Mod"], SiteID: "news", Role: parley.RoleModerator, Method: parley.MethodSession})
		decide := func(ctx context.Context) {
			t.Helper()
			if err := f.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.Decide(mod, service.Decision{SiteID: "news", CommentIDs: []string{w.ids["a1"], w.ids["c1"]}, Action: "reject", Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		w.clk.Add(time.Minute)
		if _, err := w.svc.Sanction(mod, service.Sanction{SiteID: "news", UserID: w.users["Ada"].ID, Kind: service.SanctionWarn,
			Reason: "spam", Message: "Bitte keine Werbung."}); err != nil {
			t.Fatal(err)
		}
		decide(t.Context())
		if got := w.deliver(); len(got) != 0 {
			t.Fatalf("mails within the window: %d, want none", len(got))
		}
		w.clk.Add(16 * time.Minute)
		got := w.deliver()
		if len(got) != 1 {
			t.Fatalf("mails after the window = %d, want one to Ada (Carl has replies only)", len(got))
		}
		ada := got[0]
		for _, want := range []string{"Die Moderation hat 2 Entscheidungen getroffen", "Begründung", "Die Moderation hat Sie verwarnt",
			"Bitte keine Werbung.", "Zur Diskussion: https://news.example/s1"} {
			if !strings.Contains(ada.text, want) {
				t.Errorf("Ada's mail lacks %q:\n%s", want, ada.text)
			}
		}
		if ada.to != "ada@example.org" || ada.subject != "2 Entscheidungen der Moderation" || strings.Contains(ada.text, "Kauft billige Uhren") {
			t.Errorf("Ada's mail: to %s, subject %q (and it must not quote the removed comment):\n%s", ada.to, ada.subject, ada.text)
		}
		unsub := strings.Trim(ada.header.Get("List-Unsubscribe"), "<>")
		if !strings.HasPrefix(unsub, w.public+"/unsubscribe?t=") || !strings.HasSuffix(unsub, "&list=decisions") ||
			ada.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe headers: %q, %q", ada.header.Get("List-Unsubscribe"), ada.header.Get("List-Unsubscribe-Post"))
		}

		// the token of the decisions list does not unsubscribe from
		// replies; the one-click POST turns decisions off and only them
		token := strings.TrimSuffix(strings.TrimPrefix(unsub, w.public+"/unsubscribe?t="), "&list=decisions")
		if r := httpDo(t, "POST", w.public+"/unsubscribe?t="+token); r.status != 403 {
			t.Errorf("POST with the decisions token for replies = %d, want 403", r.status)
		}
		if r := httpDo(t, "GET", unsub); r.status != 200 || !strings.Contains(r.body, "Entscheidungen der Moderation") {
			t.Fatalf("GET unsubscribe = %d %s", r.status, r.body)
		}
		if r := httpDo(t, "POST", unsub); r.status != 200 || !strings.Contains(r.body, "keine E-Mails mehr zu Entscheidungen") {
			t.Fatalf("one-click POST = %d %s", r.status, r.body)
		}
		if st, _ := w.svc.Notifications(w.as("Ada"), "news"); st.Decisions || !st.Replies {
			t.Fatalf("after the one-click POST: %+v, want decisions off and replies on", st)
		}
		w.post("a2", "Ada", "s1", "", "Noch mehr Uhren!")
		if _, err := w.svc.Decide(mod, service.Decision{SiteID: "news", CommentIDs: []string{w.ids["a2"]}, Action: "reject", Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		decide(t.Context())
		w.clk.Add(16 * time.Minute)
		if got := w.deliver(); len(got) != 0 {
			t.Fatalf("mails after unsubscribing: %d, want none", len(got))
		}
	})
}
