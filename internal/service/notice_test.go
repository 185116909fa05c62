package service_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// dsaWorld is a site with one approved comment by its author, a reader,
// two moderators and a clock the test moves.
type dsaWorld struct {
	t         *testing.T
	store     parley.Store
	svc       *service.Service
	mu        sync.Mutex
	now       time.Time
	comment   *parley.Comment
	author    *parley.User
	reader    *parley.User
	mod, mod2 *parley.User
	commenter *parley.User
}

func newDSAWorld(t *testing.T, store parley.Store) *dsaWorld {
	t.Helper()
	w := &dsaWorld{t: t, store: store, now: time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)}
	w.svc = service.New(store, markup.New(), realtime.NewBus(), quietLog(), service.WithClock(w.clock),
		service.WithSignInLinks(service.SignInLinks{PublicURL: "https://parley.example", Mail: true}))
	ctx := t.Context()
	if err := w.svc.CreateSite(ctx, &parley.Site{ID: "s", Name: "Der Kurier", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	posted, err := w.svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "Ein Kommentar", AuthorName: "Alex",
		Story: service.StoryInfo{URL: "https://kurier.example/a", Title: "A", Lang: "de"}})
	if err != nil {
		t.Fatal(err)
	}
	w.comment = posted.Comment
	if w.author, err = store.User(ctx, posted.Comment.AuthorID); err != nil {
		t.Fatal(err)
	}
	w.author.Email = "alex@example.de"
	if err := store.UpdateUser(ctx, w.author); err != nil {
		t.Fatal(err)
	}
	w.reader = w.user("Rita", parley.RoleCommenter)
	w.commenter = w.user("Carl", parley.RoleCommenter)
	w.mod, w.mod2 = w.user("Mona", parley.RoleModerator), w.user("Max", parley.RoleModerator)
	return w
}

func (w *dsaWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(time.Millisecond)
	return w.now
}

func (w *dsaWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func (w *dsaWorld) user(name string, role parley.Role) *parley.User {
	w.t.Helper()
	u := &parley.User{ID: parley.NewID(w.clock()), SiteID: "s", Name: name, Email: strings.ToLower(name) + "@example.org", Role: role, CreatedAt: w.now}
	if err := w.store.CreateUser(w.t.Context(), u); err != nil {
		w.t.Fatal(err)
	}
	return u
}

// as is a context of u signed in on the site.
func (w *dsaWorld) as(u *parley.User) context.Context {
	return parley.WithActor(w.t.Context(), &parley.Actor{User: u, SiteID: "s", Role: max(u.Role, parley.RoleCommenter), Method: parley.MethodSession})
}

// mails claims every mail waiting in the outbox.
func (w *dsaWorld) mails() []*parley.Message {
	w.t.Helper()
	ms, err := w.store.ClaimMessages(w.t.Context(), "test", w.now.Add(time.Hour), time.Minute, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	return ms
}

func (w *dsaWorld) notice(ctx context.Context, in service.NewNotice) *parley.Notice {
	w.t.Helper()
	if in.CommentID == "" {
		in.CommentID = w.comment.ID
	}
	f, err := w.svc.FileNotice(ctx, in)
	if err != nil {
		w.t.Fatalf("FileNotice: %v", err)
	}
	if f.Mailed != (f.Notice.Email != "") {
		w.t.Errorf("FileNotice says mailed %v for the address %q on a server that sends mail", f.Mailed, f.Notice.Email)
	}
	return f.Notice
}

func hate() service.NewNotice {
	return service.NewNotice{Kind: parley.NoticeHate, Law: "§ 130 StGB", Explanation: "Volksverhetzung gegen eine Gruppe.",
		Name: "Eva Muster", Email: "Eva@Example.org", GoodFaith: true}
}

var referencePattern = regexp.MustCompile(`^N-2026-[2-9A-HJKMNP-Z]{10}$`)

// TestFileNotice: a guest's notice is stored with its audit entry and a
// confirmation in the story's language, in one unit; each field is
// checked with its own key; child sexual abuse may be reported without a
// name; the limit per comment holds.
func TestFileNotice(t *testing.T) {
	onStores(t, func(t *testing.T, store parley.Store) {
		w := newDSAWorld(t, store)
		ctx := t.Context()
		n := w.notice(ctx, hate())
		if !referencePattern.MatchString(n.Reference) {
			t.Errorf("reference %q is not N-2026- and ten letters of the alphabet", n.Reference)
		}
		got, err := store.Notice(ctx, "s", n.Reference)
		if err != nil || got.Email != "eva@example.org" || got.Status != parley.NoticeReceived || got.StoryID != "a" || got.Lang != "de" || got.UserID != "" {
			t.Errorf("stored notice = %+v, %v", got, err)
		}
		es, err := store.Audit(ctx, parley.AuditQuery{SiteID: "s", Action: parley.AuditNoticeCreated, Limit: 10})
		if err != nil || len(es) != 1 || es[0].Ref != n.Reference || es[0].UserID != w.author.ID || es[0].Reason != parley.NoticeHate || es[0].ActorID != "" {
			t.Errorf("notice.created entries = %+v, %v", es, err)
		}
		ms := w.mails()
		if len(ms) != 1 || ms[0].To != "eva@example.org" || !strings.Contains(ms[0].Subject, n.Reference) ||
			!strings.Contains(ms[0].Text, "Ihre Meldung rechtswidriger Inhalte") || !strings.Contains(ms[0].Text, "Rechtswidrige Hassrede") {
			t.Errorf("confirmation mails = %+v", ms)
		}

		// Signed in: the account's name and address stand in for empty ones.
		in := hate()
		in.Name, in.Email, in.Lang = "", "", "fr"
		mine := w.notice(w.as(w.reader), in)
		if mine.UserID != w.reader.ID || mine.Email != w.reader.Email || mine.Name != "Rita" || mine.Lang != "fr" {
			t.Errorf("signed-in notice = %+v", mine)
		}
		if ms := w.mails(); len(ms) != 1 || !strings.Contains(ms[0].Text, "Nous avons bien reçu votre notification") {
			t.Errorf("French confirmation = %+v", ms)
		}

		anon := service.NewNotice{Kind: parley.NoticeCSAM, Explanation: "Missbrauchsdarstellung.", GoodFaith: true}
		if n := w.notice(ctx, anon); n.Name != "" || n.Email != "" {
			t.Errorf("anonymous notice = %+v", n)
		}
		if ms := w.mails(); len(ms) != 0 {
			t.Errorf("an anonymous notice sent %d mails", len(ms))
		}

		bad := []struct {
			name string
			edit func(*service.NewNotice)
			key  string
		}{
			{"no kind", func(n *service.NewNotice) { n.Kind = "rude" }, "noticeKind"},
			{"no explanation", func(n *service.NewNotice) { n.Explanation = " \u200b " }, "noticeExplanation"},
			{"long explanation", func(n *service.NewNotice) { n.Explanation = strings.Repeat("x", 5001) }, "noticeExplanation"},
			{"long law", func(n *service.NewNotice) { n.Law = strings.Repeat("§", 301) }, "noticeLaw"},
			{"no name", func(n *service.NewNotice) { n.Name = "" }, "noticeContact"},
			{"no address", func(n *service.NewNotice) { n.Email = "" }, "noticeContact"},
			{"bad address", func(n *service.NewNotice) { n.Email = "eva@example.org\r\nBcc: x@y.z" }, "noticeEmail"},
			{"no good faith", func(n *service.NewNotice) { n.GoodFaith = false }, "noticeGoodFaith"},
			{"control characters", func(n *service.NewNotice) { n.Explanation = "a\x00b" }, "badText"},
		}
		for _, b := range bad {
			in := hate()
			in.CommentID = w.comment.ID
			b.edit(&in)
			_, err := w.svc.FileNotice(ctx, in)
			wantKey(t, b.name, err, parley.EINVALID, b.key)
		}
	})
}

// TestNoticeNoEnumeration: every comment the public cannot see answers
// the same error, so notices tell nobody which comments exist.
func TestNoticeNoEnumeration(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	ctx := t.Context()
	hidden, err := w.svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "weg", AuthorName: "B"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.SetCommentStatus(ctx, hidden.Comment.ID, parley.StatusRejected, w.clock()); err != nil {
		t.Fatal(err)
	}
	var first error
	for _, id := range []string{hidden.Comment.ID, parley.NewID(w.clock()), "not an id\x00", ""} {
		in := hate()
		in.CommentID = id
		_, err := w.svc.FileNotice(ctx, in)
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("notice on %q: %v, want ENOTFOUND", id, err)
		}
		if first == nil {
			first = err
		} else if err.Error() != first.Error() {
			t.Errorf("notice on %q: %q, but another hidden comment said %q", id, err, first)
		}
	}
}

// TestNoticeLimitPerComment: past the burst, a comment takes no more
// notices for a while, whoever sends them; another comment still does.
func TestNoticeLimitPerComment(t *testing.T) {
	w := newDSAWorld(t, testStore(t))
	ctx := t.Context()
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_, err = w.svc.FileNotice(ctx, service.NewNotice{CommentID: w.comment.ID, Kind: parley.NoticeCSAM, Explanation: "x", GoodFaith: true})
	}
	wantKey(t, "a flood of notices", err, parley.ETOOMANYREQUESTS, "noticeTooMany")
	if parley.RetryAfter(err) <= 0 {
		t.Errorf("the refusal says no Retry-After")
	}
	other, perr := w.svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "anderer", AuthorName: "B"})
	if perr != nil {
		t.Fatal(perr)
	}
	if _, err := w.svc.FileNotice(ctx, service.NewNotice{CommentID: other.Comment.ID, Kind: parley.NoticeCSAM, Explanation: "x", GoodFaith: true}); err != nil {
		t.Errorf("another comment's notice: %v", err)
	}
	// The HTTP layer's limit per client is asked before the comment is
	// looked up: a refused client learns nothing of the comment.
	limited := service.NewNotice{CommentID: "nope", Kind: parley.NoticeCSAM, Explanation: "x", GoodFaith: true,
		Limit: func() error { return parley.TooManyRequests("noticeTooMany", "slow down", time.Minute) }}
	_, err = w.svc.FileNotice(ctx, limited)
	wantKey(t, "the client's limit", err, parley.ETOOMANYREQUESTS, "noticeTooMany")
}
