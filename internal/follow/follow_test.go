package follow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/follow"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

func onBackends(t *testing.T, fn func(t *testing.T, store parley.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t, pgtest.URL(t)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// audits is an audit log in memory with AuditAfter's contract, so that
// the follower's audit derivations are tested apart from who writes them.
type audits struct {
	mu      sync.Mutex
	entries []*parley.AuditEntry
}

func (a *audits) add(e *parley.AuditEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.ID = int64(len(a.entries) + 1)
	if e.CreatedAt.IsZero() { // a millisecond apart, so that items sort as their entries
		e.CreatedAt = parley.Now().Add(time.Duration(e.ID) * time.Millisecond)
	}
	a.entries = append(a.entries, e)
}

func (a *audits) AuditAfter(_ context.Context, after int64, missing []int64, limit int) ([]*parley.AuditEntry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*parley.AuditEntry
	for _, e := range a.entries {
		if len(out) == limit {
			break
		}
		if e.ID > after || containsID(missing, e.ID) {
			out = append(out, e)
		}
	}
	return out, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// world is a site with readers who post through the service, and a
// follower of its logs.
type world struct {
	t     *testing.T
	store parley.Store
	svc   *service.Service
	f     *follow.Follower
	users map[string]*parley.User
	at    time.Time // of the next audit entry
}

func newWorld(t *testing.T, store parley.Store) *world {
	w := &world{t: t, store: store, users: map[string]*parley.User{}, at: parley.Now()}
	w.svc = service.New(store, markup.New(), realtime.NewBus(), quiet)
	if err := w.svc.CreateSite(t.Context(), &parley.Site{ID: "news", Name: "News", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}}); err != nil {
		t.Fatal(err)
	}
	d := &follow.Deriver{}
	w.f = follow.New(store, follow.Options{Logger: quiet}, follow.EventLog(store, d), follow.AuditLog(store, d))
	w.follow() // the event cursor starts at the newest event: stories made before are no news
	return w
}

// audit appends e to the store's audit log, a millisecond after the one
// before, so that the items it makes sort as the entries do.
func (w *world) audit(e *parley.AuditEntry) {
	w.t.Helper()
	w.at = w.at.Add(time.Millisecond)
	e.CreatedAt = w.at
	if err := w.store.AppendAudit(w.t.Context(), e); err != nil {
		w.t.Fatalf("AppendAudit: %v", err)
	}
}

func (w *world) user(name string, role parley.Role) *parley.User {
	w.t.Helper()
	u := &parley.User{ID: parley.NewID(parley.Now()), SiteID: "news", Name: name, Role: role, CreatedAt: parley.Now()}
	if err := w.store.CreateUser(w.t.Context(), u); err != nil {
		w.t.Fatal(err)
	}
	w.users[name] = u
	return u
}

func (w *world) post(as, parent string) *parley.Comment {
	w.t.Helper()
	u := w.users[as]
	ctx := parley.WithActor(w.t.Context(), &parley.Actor{User: u, SiteID: "news", Role: u.UserRole(), Method: parley.MethodSession})
	p, err := w.svc.Post(ctx, service.NewComment{SiteID: "news", StoryID: "s1", ParentID: parent,
		Body:  fmt.Sprintf("A comment by %s at %s", as, time.Now().Format(time.RFC3339Nano)),
		Story: service.StoryInfo{URL: "https://news.example/s1", Title: "Story"}})
	if err != nil {
		w.t.Fatalf("post as %s: %v", as, err)
	}
	// Items are ordered by an ID from their event's millisecond; two posts
	// in one millisecond would have no order for the inbox to keep.
	for !parley.Now().After(p.Comment.CreatedAt) {
		time.Sleep(100 * time.Microsecond)
	}
	return p.Comment
}

func (w *world) follow() {
	w.t.Helper()
	if err := w.f.RunOnce(w.t.Context()); err != nil {
		w.t.Fatalf("follow: %v", err)
	}
}

// inbox returns the kinds and comments of a reader's items, newest first.
func (w *world) inbox(name string) []string {
	w.t.Helper()
	items, err := w.store.InboxItems(w.t.Context(), w.users[name].ID, "", parley.MaxInboxPage)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Kind+":"+it.CommentID)
	}
	return out
}

func (w *world) wantInbox(name string, want ...string) {
	w.t.Helper()
	got := w.inbox(name)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Errorf("inbox of %s = %v, want %v", name, got, want)
	}
}

// TestReplies derives reply items from the event log: a reply by someone
// else, a staff reply, none for a reply to oneself, and a held reply only
// once it is approved, once however often the log names it.
func TestReplies(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		w.user("Ada", parley.RoleCommenter)
		w.user("Bob", parley.RoleCommenter)
		w.user("Eve", parley.RoleStaff)
		top := w.post("Ada", "")
		own := w.post("Ada", top.ID)
		bob := w.post("Bob", top.ID)
		eve := w.post("Eve", top.ID)
		w.follow()
		w.wantInbox("Ada", "staff_reply:"+eve.ID, "reply:"+bob.ID)
		w.wantInbox("Bob")
		_ = own

		held := w.post("Bob", top.ID)
		if err := store.SetCommentStatus(t.Context(), held.ID, parley.StatusPending, parley.Now()); err != nil {
			t.Fatal(err)
		}
		w.follow()
		if err := store.SetCommentStatus(t.Context(), held.ID, parley.StatusApproved, parley.Now()); err != nil {
			t.Fatal(err)
		}
		w.follow()
		w.follow()
		w.wantInbox("Ada", "reply:"+held.ID, "staff_reply:"+eve.ID, "reply:"+bob.ID)
		if n, _ := store.UnreadInbox(t.Context(), w.users["Ada"].ID); n != 3 {
			t.Errorf("unread = %d, want 3", n)
		}
	})
}

// TestDecisions derives items from the audit log: an approval of a held
// comment (not of a published one), a rejection with its reason, a
// suspension with its end, and nothing for what a moderator did to
// themselves.
func TestDecisions(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		ada := w.user("Ada", parley.RoleCommenter)
		mod := w.user("Mo", parley.RoleModerator)
		c := w.post("Ada", "")
		end := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, e := range []*parley.AuditEntry{
			{SiteID: "news", Action: parley.AuditApproved, CommentID: c.ID, StoryID: "s1", UserID: ada.ID, ActorID: mod.ID, Before: parley.StatusPending, After: parley.StatusApproved},
			{SiteID: "news", Action: parley.AuditApproved, CommentID: c.ID, StoryID: "s1", UserID: ada.ID, ActorID: mod.ID, Before: parley.StatusRejected, After: parley.StatusApproved},
			{SiteID: "news", Action: parley.AuditRejected, CommentID: c.ID, StoryID: "s1", UserID: ada.ID, Reason: parley.ReasonSpam, Automated: true},
			{SiteID: "news", Action: parley.AuditSuspended, UserID: ada.ID, ActorID: mod.ID, Note: "Bitte sachlich bleiben.", After: "suspended until " + end.Format(time.RFC3339)},
			{SiteID: "news", Action: parley.AuditFeatured, CommentID: c.ID, UserID: mod.ID, ActorID: mod.ID},
			{SiteID: "news", Action: parley.AuditNoted, UserID: ada.ID, ActorID: mod.ID, Note: "moderators only"},
		} {
			w.audit(e)
		}
		w.follow()
		w.wantInbox("Ada", "suspended:", "rejected:"+c.ID, "approved:"+c.ID)
		w.wantInbox("Mo")
		items, _ := store.InboxItems(t.Context(), ada.ID, "", 10)
		if s := items[0]; !s.Until.Equal(end) || s.Note != "Bitte sachlich bleiben." || s.EntryID == 0 {
			t.Errorf("suspension item = %+v, want until %s with its message and entry", s, end)
		}
		if r := items[1]; r.Reason != parley.ReasonSpam || r.EntryID == 0 || r.EntryID >= items[0].EntryID {
			t.Errorf("rejection item = %+v, want reason spam and its entry", r)
		}
		w.follow()
		if got := len(w.inbox("Ada")); got != 3 {
			t.Errorf("after following again: %d items, want 3", got)
		}
	})
}

// TestHeldReplyMail: a reply held back and then approved queues the reply
// mail its parent's author opted into, which the post could not, as the
// reply was not shown then.
func TestHeldReplyMail(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		ada := w.user("Ada", parley.RoleCommenter)
		bob := w.user("Bob", parley.RoleCommenter)
		mod := w.user("Mo", parley.RoleModerator)
		if err := store.SetNotificationSettings(t.Context(), &parley.NotificationSettings{UserID: ada.ID, SiteID: "news", Replies: true, UpdatedAt: parley.Now()}); err != nil {
			t.Fatal(err)
		}
		top := w.post("Ada", "")
		held := w.post("Bob", top.ID)
		if err := store.SetCommentStatus(t.Context(), held.ID, parley.StatusPending, parley.Now()); err != nil {
			t.Fatal(err)
		}
		claim := func() []*parley.ReplyNotification {
			ns, err := store.ClaimNotifications(t.Context(), "t", parley.Now().Add(time.Hour), time.Minute, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, n := range ns {
				ids = append(ids, n.ID)
			}
			if len(ids) > 0 {
				if err := store.DoneNotifications(t.Context(), "t", ids); err != nil {
					t.Fatal(err)
				}
			}
			return ns
		}
		claim() // the post's own notification, queued while the reply was shown
		if err := store.SetCommentStatus(t.Context(), held.ID, parley.StatusApproved, parley.Now()); err != nil {
			t.Fatal(err)
		}
		w.audit(&parley.AuditEntry{SiteID: "news", Action: parley.AuditApproved, CommentID: held.ID, StoryID: "s1",
			UserID: bob.ID, ActorID: mod.ID, Before: parley.StatusPending, After: parley.StatusApproved})
		w.follow()
		ns := claim()
		if len(ns) != 1 || ns[0].UserID != ada.ID || ns[0].CommentID != held.ID {
			t.Errorf("notifications after the approval = %+v, want Ada's for %s", ns, held.ID)
		}
	})
}

// TestOnce runs followers on one database at once, each with its own
// cursor reads, over a log whose derivation cannot deduplicate: every
// entry must still be derived exactly once.
func TestOnce(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		ada := w.user("Ada", parley.RoleCommenter)
		src := &audits{}
		const entries = 60
		for range entries {
			src.add(&parley.AuditEntry{SiteID: "news", Action: parley.AuditWarned, UserID: ada.ID})
		}
		var calls sync.Map
		log := &follow.Log{Name: "test.once", Read: follow.AuditLog(src, nil).Read,
			Derive: func(ctx context.Context, tx parley.Tx, e follow.Entry) error {
				n, _ := calls.LoadOrStore(e.ID, new(int))
				*n.(*int)++ // racy counts do not matter: the committed items are what is checked
				_, err := tx.AddInboxItem(ctx, &parley.InboxItem{ID: parley.NewID(parley.Now()), UserID: ada.ID, SiteID: "news",
					Kind: parley.InboxWarned, EntryID: e.ID*1000 + int64(*n.(*int)), Note: fmt.Sprint(e.ID), CreatedAt: parley.Now()})
				return err
			}}
		var wg sync.WaitGroup
		for range 4 {
			f := follow.New(store, follow.Options{Batch: 7, Logger: quiet}, log)
			wg.Go(func() {
				if err := f.RunOnce(t.Context()); err != nil {
					t.Errorf("RunOnce: %v", err)
				}
			})
		}
		wg.Wait()
		items, err := store.InboxItems(t.Context(), ada.ID, "", parley.MaxInboxPage)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, it := range items {
			seen[it.Note]++
		}
		for id := 1; id <= entries; id++ {
			if seen[fmt.Sprint(id)] != 1 {
				t.Errorf("entry %d derived %d times, want once", id, seen[fmt.Sprint(id)])
			}
		}
	})
}

// TestLateAndFailing feeds the follower an entry that becomes visible
// after a higher one (PostgreSQL's late IDs) and one that always fails to
// derive: the late one is derived when it appears, the failing one is
// skipped after its tries, and the rest go on.
func TestLateAndFailing(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		var mu sync.Mutex
		visible := []int64{1, 3, 4, 5}
		var derived []int64
		log := &follow.Log{Name: "test.late",
			Read: func(_ context.Context, after int64, missing []int64, limit int) ([]follow.Entry, error) {
				mu.Lock()
				defer mu.Unlock()
				var out []follow.Entry
				for _, id := range visible {
					if id > after || containsID(missing, id) {
						out = append(out, follow.Entry{ID: id})
					}
				}
				return out, nil
			},
			Derive: func(_ context.Context, _ parley.Tx, e follow.Entry) error {
				if e.ID == 4 {
					return errors.New("entry 4 is broken")
				}
				mu.Lock()
				derived = append(derived, e.ID)
				mu.Unlock()
				return nil
			}}
		f := follow.New(store, follow.Options{Logger: quiet}, log)
		for range 3 {
			f.Step(t.Context(), log)
		}
		c, err := store.LogCursor(t.Context(), "test.late")
		if err != nil {
			t.Fatal(err)
		}
		if c.Position != 5 || len(c.Missing) != 1 || c.Missing[0].ID != 2 {
			t.Fatalf("cursor = %+v, want position 5 awaiting 2", c)
		}
		mu.Lock()
		visible = append(visible, 2)
		mu.Unlock()
		if _, err := f.Step(t.Context(), log); err != nil {
			t.Fatal(err)
		}
		if c, _ := store.LogCursor(t.Context(), "test.late"); len(c.Missing) != 0 {
			t.Errorf("holes after the late entry = %v, want none", c.Missing)
		}
		mu.Lock()
		defer mu.Unlock()
		got := map[int64]int{}
		for _, id := range derived {
			got[id]++
		}
		// derived counts calls, committed or not; the failing batches
		// called Derive for 1 and 3 before 4 failed and rolled them back
		for _, id := range []int64{1, 2, 3, 5} {
			if got[id] == 0 {
				t.Errorf("entry %d was never derived", id)
			}
		}
		if got[4] != 0 {
			t.Errorf("the broken entry counted as derived")
		}
	})
}

// TestPayload checks a delivery's body: the event, a stable ID, the
// comment as the API shows it, and nothing personal.
func TestPayload(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		w.user("Ada", parley.RoleCommenter)
		hook := &parley.Webhook{ID: parley.NewID(parley.Now()), SiteID: "news", URL: "https://hooks.example/x",
			Events: []string{parley.HookCommentCreated, parley.HookCommentRejected}, CreatedAt: parley.Now()}
		if err := store.CreateWebhook(t.Context(), hook); err != nil {
			t.Fatal(err)
		}
		c := w.post("Ada", "")
		w.audit(&parley.AuditEntry{SiteID: "news", Action: parley.AuditRejected, CommentID: c.ID, StoryID: "s1",
			UserID: w.users["Ada"].ID, Reason: parley.ReasonAbuse, Automated: true})
		w.audit(&parley.AuditEntry{SiteID: "news", Action: parley.AuditFeatured, CommentID: c.ID, UserID: w.users["Ada"].ID})
		w.follow()
		ds, err := store.Deliveries(t.Context(), hook.ID, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 {
			t.Fatalf("%d deliveries, want comment.created and comment.rejected", len(ds))
		}
		var created, rejected follow.Payload
		for _, d := range ds {
			var p follow.Payload
			if err := json.Unmarshal(d.Payload, &p); err != nil {
				t.Fatal(err)
			}
			switch d.Event {
			case parley.HookCommentCreated:
				created = p
			case parley.HookCommentRejected:
				rejected = p
			}
		}
		if created.ID != "comment.created-"+c.ID || created.Site != "news" || created.Comment == nil ||
			created.Comment.ID != c.ID || created.Comment.Author.Name != "Ada" || created.Comment.Body != "" {
			t.Errorf("comment.created payload = %+v", created)
		}
		if rejected.Decision == nil || rejected.Decision.Reason != parley.ReasonAbuse || !rejected.Decision.Automated {
			t.Errorf("comment.rejected payload = %+v, want its decision", rejected)
		}
	})
}

// TestBatchHooks derives the comment.created deliveries of two sites'
// comments, interleaved in one batch: each site's endpoints, read once per
// batch, get the comments of their own site and no other, and a staff
// author shows in the payload with their role.
func TestBatchHooks(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		ctx := t.Context()
		if err := w.svc.CreateSite(ctx, &parley.Site{ID: "other", Name: "Other", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}}); err != nil {
			t.Fatal(err)
		}
		hooks := map[string]*parley.Webhook{}
		for _, site := range []string{"news", "other"} {
			h := &parley.Webhook{ID: parley.NewID(parley.Now()), SiteID: site, URL: "https://hooks.example/" + site,
				Events: []string{parley.HookCommentCreated}, CreatedAt: parley.Now()}
			if err := store.CreateWebhook(ctx, h); err != nil {
				t.Fatal(err)
			}
			hooks[site] = h
		}
		w.user("Ada", parley.RoleCommenter)
		w.user("Mo", parley.RoleModerator)
		other := &parley.User{ID: parley.NewID(parley.Now()), SiteID: "other", Name: "Bo", CreatedAt: parley.Now()}
		if err := store.CreateUser(ctx, other); err != nil {
			t.Fatal(err)
		}
		octx := parley.WithActor(ctx, &parley.Actor{User: other, SiteID: "other", Role: parley.RoleCommenter, Method: parley.MethodSession})
		want := map[string][]string{}
		for i := range 3 {
			want["news"] = append(want["news"], w.post([]string{"Ada", "Mo", "Ada"}[i], "").ID)
			p, err := w.svc.Post(octx, service.NewComment{SiteID: "other", StoryID: "o1", Body: fmt.Sprintf("Elsewhere %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			want["other"] = append(want["other"], p.Comment.ID)
		}
		w.follow()
		for site, h := range hooks {
			ds, err := store.Deliveries(ctx, h.ID, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]follow.Payload{}
			for _, d := range ds {
				var p follow.Payload
				if err := json.Unmarshal(d.Payload, &p); err != nil {
					t.Fatal(err)
				}
				if p.Site != site || p.Comment == nil {
					t.Fatalf("%s's endpoint got %+v", site, p)
				}
				got[p.Comment.ID] = p
			}
			if len(got) != len(want[site]) {
				t.Fatalf("%s: %d deliveries, want %d", site, len(got), len(want[site]))
			}
			for _, id := range want[site] {
				if _, ok := got[id]; !ok {
					t.Errorf("%s: no delivery of %s", site, id)
				}
			}
		}
		staff := hooksPayload(t, store, hooks["news"], want["news"][1])
		if staff.Comment.Author.Role != parley.RoleModerator.String() {
			t.Errorf("a moderator's comment shows author %+v, want their role", staff.Comment.Author)
		}
	})
}

// hooksPayload returns the payload of the delivery of comment id to h.
func hooksPayload(t *testing.T, store parley.Store, h *parley.Webhook, id string) follow.Payload {
	t.Helper()
	ds, err := store.Deliveries(t.Context(), h.ID, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		var p follow.Payload
		if err := json.Unmarshal(d.Payload, &p); err == nil && p.Comment != nil && p.Comment.ID == id {
			return p
		}
	}
	t.Fatalf("no delivery of %s", id)
	return follow.Payload{}
}
